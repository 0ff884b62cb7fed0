import { Strategy as JwtStrategy } from 'passport-jwt';
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { LogtoAuthCounters } from '../../../lib';
import { IssuerKeyResolvers } from '../../../lib/keys/issuer-key.resolvers';
import { resolveLogtoAuthOptions } from '../../../lib/logto-auth.options';
import { AccessTokenVerifier } from '../../../lib/token/access-token.verifier';
import { createTestKey } from '../../helpers/keys';
import { JwksServer, startJwksServer } from '../../helpers/jwks-server';
import { signAccessToken, TEST_AUDIENCE } from '../../helpers/sign-token';

type Verifier = (token: string, ...rest: unknown[]) => unknown;

describe('AccessTokenVerifier under concurrent misses', () => {
  const key = createTestKey('ES384');
  let jwks: JwksServer;
  let verifier: AccessTokenVerifier;
  let counters: LogtoAuthCounters;

  beforeAll(async () => {
    jwks = await startJwksServer([key.jwk]);
    const options = resolveLogtoAuthOptions({ endpoint: jwks.endpoint, audience: TEST_AUDIENCE });
    counters = new LogtoAuthCounters();
    verifier = new AccessTokenVerifier(options, new IssuerKeyResolvers(options, counters), counters);
    await verifier.verify(signAccessToken({ key, issuer: jwks.issuer })); // the key set is fetched: no network below
  });
  afterAll(() => jwks.close());
  afterEach(() => vi.restoreAllMocks());

  it('checks the signatures of requests read in one turn of the event loop after all of them were decoded', async () => {
    const tokens = ['a', 'b', 'c'].map((sub) => signAccessToken({ key, issuer: jwks.issuer, claims: { sub } }));
    const steps: string[] = [];
    const subOf = (token: string) => JSON.parse(Buffer.from(token.split('.')[1], 'base64url').toString()).sub as string;
    const jwtVerifier = (JwtStrategy as unknown as { JwtVerifier: Verifier }).JwtVerifier;
    vi.spyOn(JwtStrategy as unknown as { JwtVerifier: Verifier }, 'JwtVerifier').mockImplementation((token, ...rest) => {
      steps.push(`signature ${subOf(token)}`);
      return jwtVerifier(token, ...rest);
    });
    // Each request arrives in its own I/O callback, as an HTTP server's requests do: one immediate each.
    const verified = tokens.map(
      (token) =>
        new Promise((resolve, reject) =>
          setImmediate(() => {
            steps.push(`decode ${subOf(token)}`);
            verifier.verify(token).then(resolve, reject);
          }),
        ),
    );
    const users = (await Promise.all(verified)) as { user: { sub: string } }[];
    expect(users.map(({ user }) => user.sub)).toEqual(['a', 'b', 'c']);
    expect(steps).toEqual(['decode a', 'decode b', 'decode c', 'signature a', 'signature b', 'signature c']);
  });

  it('refuses a bad signature found in the deferred check, like any other', async () => {
    const token = signAccessToken({ key, issuer: jwks.issuer });
    const forged = `${token.slice(0, token.lastIndexOf('.') + 1)}${Buffer.alloc(96, 7).toString('base64url')}`;
    await expect(verifier.verify(forged)).rejects.toMatchObject({ code: 'invalid_token' });
  });
});
