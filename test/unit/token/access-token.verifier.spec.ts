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

  it('checks the signatures of the requests read in one turn after all of them were decoded, then answers them', async () => {
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
        new Promise<string>((resolve, reject) =>
          setImmediate(() => {
            steps.push(`decode ${subOf(token)}`);
            verifier.verify(token).then(({ user }) => {
              steps.push(`verified ${user.sub}`);
              resolve(user.sub);
            }, reject);
          }),
        ),
    );
    expect(await Promise.all(verified)).toEqual(['a', 'b', 'c']);
    expect(steps).toEqual(['decode a', 'decode b', 'decode c', 'signature a', 'signature b', 'signature c', 'verified a', 'verified b', 'verified c']);
  });

  it('refuses the forged token of a batch and verifies the others', async () => {
    const [first, second, third] = ['a', 'b', 'c'].map((sub) => signAccessToken({ key, issuer: jwks.issuer, claims: { sub } }));
    const forged = `${second.slice(0, second.lastIndexOf('.') + 1)}${third.slice(third.lastIndexOf('.') + 1)}`; // c's signature on b
    const outcomes = await Promise.allSettled([first, forged, third].map((token) => verifier.verify(token)));
    expect(outcomes.map((o) => (o.status === 'fulfilled' ? o.value.user.sub : (o.reason as { code: string }).code))).toEqual(['a', 'invalid_token', 'c']);
  });

  it('refuses a bad signature found in a batch of one, like any other', async () => {
    const token = signAccessToken({ key, issuer: jwks.issuer });
    const forged = `${token.slice(0, token.lastIndexOf('.') + 1)}${Buffer.alloc(96, 7).toString('base64url')}`;
    await expect(verifier.verify(forged)).rejects.toMatchObject({ code: 'invalid_token' });
  });
});
