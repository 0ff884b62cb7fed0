import { Controller, INestMicroservice, Type } from '@nestjs/common';
import { ClientProxy, ClientProxyFactory, MessagePattern, Transport } from '@nestjs/microservices';
import { Test } from '@nestjs/testing';
import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { AddressInfo, Server } from 'node:net';
import { join, resolve } from 'node:path';
import { firstValueFrom } from 'rxjs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CurrentUser, LogtoAuthModule, Public, Scopes } from '../../lib';
import { createTestKey } from '../helpers/keys';
import { JwksServer, startJwksServer } from '../helpers/jwks-server';
import { readReadmeExamples } from '../helpers/readme-examples';
import { runCommand } from '../helpers/run-command';
import { signAccessToken, TEST_AUDIENCE } from '../helpers/sign-token';

const root = resolve(__dirname, '../..');
const dir = join(root, '.tmp', 'readme-contexts');
const [example] = readReadmeExamples('contexts', ['src/rpc-auth.context.ts']);

@Controller()
@Scopes('read:documents')
class DocumentsMessages {
  @MessagePattern('documents.count') count(@CurrentUser('sub') sub: string) {
    return { count: 3, sub };
  }

  @MessagePattern('documents.create') @Scopes('write:documents') create(@CurrentUser('sub') sub: string) {
    return { created: true, sub };
  }

  @MessagePattern('health') @Public() health() {
    return 'ok';
  }
}

/**
 * README "Your own channel": the example `AuthContext` compiles as written (strict, against the package's
 * source under its published name), and, registered through `LogtoAuthContexts`, authenticates real TCP
 * microservice messages with the module's own request path and error contract.
 */
describe('README: your own channel (LogtoAuthContexts) on a TCP microservice', () => {
  const key = createTestKey('ES384');
  let jwks: JwksServer;
  let app: INestMicroservice;
  let client: ClientProxy;
  const token = (claims: Record<string, unknown> = {}) => signAccessToken({ key, issuer: jwks.issuer, claims });
  const send = (pattern: string, data: unknown) => firstValueFrom(client.send(pattern, data));

  beforeAll(async () => {
    mkdirSync(join(dir, 'src'), { recursive: true });
    writeFileSync(join(dir, example.path), example.code);
    // Run from the package's source: the name is what a user imports, the path what this repository has.
    const runnable = join(dir, 'src/rpc-auth.context.runnable.ts');
    writeFileSync(runnable, example.code.replace("from 'nestjs-logto'", `from ${JSON.stringify(join(root, 'lib'))}`));
    const { RpcAuthSetup } = (await import(runnable)) as { RpcAuthSetup: Type };
    jwks = await startJwksServer([key.jwk]);
    const moduleRef = await Test.createTestingModule({
      imports: [LogtoAuthModule.forRoot({ endpoint: jwks.endpoint, audience: TEST_AUDIENCE })],
      controllers: [DocumentsMessages],
      providers: [RpcAuthSetup],
    }).compile();
    app = moduleRef.createNestMicroservice({ transport: Transport.TCP, options: { host: '127.0.0.1', port: 0 } });
    app.useLogger(false);
    await app.listen();
    const { port } = app.unwrap<Server>().address() as AddressInfo;
    client = ClientProxyFactory.create({ transport: Transport.TCP, options: { host: '127.0.0.1', port } });
    await client.connect();
  });
  afterAll(async () => {
    await client?.close();
    await app?.close();
    await jwks?.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('compiles with strict settings, importing nestjs-logto by name', async () => {
    writeFileSync(
      join(dir, 'tsconfig.json'),
      JSON.stringify({
        extends: join(root, 'tsconfig.json'),
        compilerOptions: { noEmit: true, paths: { 'nestjs-logto': [join(root, 'lib/index.ts')] } },
        include: [join(dir, example.path)],
      }),
    );
    await runCommand(process.execPath, [join(root, 'node_modules/typescript/bin/tsc'), '-p', join(dir, 'tsconfig.json')], root, 120_000);
  }, 130_000);

  it('serves a message whose data carries a valid token, with @CurrentUser()', async () => {
    await expect(send('documents.count', { authorization: `Bearer ${token()}` })).resolves.toEqual({ count: 3, sub: 'user-1' });
  });

  it.each([
    ['no token', () => ({}), 'auth.authorization_header_missing', 'The Authorization header is missing.'],
    ['a token for another API', () => ({ authorization: `Bearer ${token({ aud: 'https://other.example.com' })}` }), 'invalid_token', 'The access token was not issued for this API.'],
    ['a scheme other than Bearer', () => ({ authorization: `Basic ${token()}` }), 'auth.authorization_token_type_not_supported', 'The Authorization header must use the Bearer scheme.'],
  ])('refuses a message with %s: an RpcException with the code', async (_name, data, code, message) => {
    await expect(send('documents.count', data())).rejects.toEqual({ status: 'error', code, message });
  });

  it('enforces @Scopes() with insufficient_scope', async () => {
    await expect(send('documents.create', { authorization: `Bearer ${token()}` })).rejects.toMatchObject({ status: 'error', code: 'insufficient_scope' });
  });

  it('serves a @Public() message without a token', async () => {
    await expect(send('health', {})).resolves.toBe('ok');
  });
});
