import { Controller, INestApplication, INestMicroservice } from '@nestjs/common';
import { ClientProxy, ClientProxyFactory, MessagePattern, Transport } from '@nestjs/microservices';
import { Test } from '@nestjs/testing';
import { AddressInfo, Server } from 'node:net';
import { firstValueFrom } from 'rxjs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { LogtoAuthModule, Public } from '../../lib';
import { startJwksServer, JwksServer } from '../helpers/jwks-server';
import { TEST_AUDIENCE } from '../helpers/sign-token';
import { createTestApp } from '../helpers/test-app';

@Controller()
class DocumentsMessages {
  @MessagePattern('documents.count')
  count() {
    return 3;
  }

  @MessagePattern('health')
  @Public()
  health() {
    return 'ok';
  }
}

/** A real TCP client connected to the microservice's loopback port. */
async function connectTcpClient(microservice: INestMicroservice): Promise<ClientProxy> {
  const { port } = microservice.unwrap<Server>().address() as AddressInfo;
  const client = ClientProxyFactory.create({ transport: Transport.TCP, options: { host: '127.0.0.1', port } });
  await client.connect();
  return client;
}

describe('a TCP microservice behind the global guard', () => {
  let jwks: JwksServer;
  let app: INestMicroservice;
  let client: ClientProxy;

  beforeAll(async () => {
    jwks = await startJwksServer([]);
    const moduleRef = await Test.createTestingModule({
      imports: [LogtoAuthModule.forRoot({ endpoint: jwks.endpoint, audience: TEST_AUDIENCE })],
      controllers: [DocumentsMessages],
    }).compile();
    app = moduleRef.createNestMicroservice({ transport: Transport.TCP, options: { host: '127.0.0.1', port: 0 } });
    app.useLogger(false);
    await app.listen();
    client = await connectTcpClient(app);
  });
  afterAll(async () => {
    await client?.close();
    await app?.close();
    await jwks?.close();
  });

  it('refuses a message handler with a clear error instead of letting it through', async () => {
    await expect(firstValueFrom(client.send('documents.count', {}))).rejects.toEqual({
      status: 'error',
      code: 'auth.execution_context_not_supported',
      message: 'LogtoAuthGuard authenticates HTTP, GraphQL (subscriptions over graphql-ws), Socket.IO and ws gateway requests only; add another context type with LogtoAuthContexts.use(), or mark this handler @Public() to serve it.',
    });
    expect(jwks.requests).toBe(0);
  });

  it('serves a @Public() message handler', async () => {
    await expect(firstValueFrom(client.send('health', {}))).resolves.toBe('ok');
  });
});

describe.each([true, false])('a hybrid app (HTTP + TCP), inheritAppConfig: %s', (inheritAppConfig) => {
  let jwks: JwksServer;
  let app: INestApplication;
  let client: ClientProxy;

  beforeAll(async () => {
    jwks = await startJwksServer([]);
    app = await createTestApp('express', {
      imports: [LogtoAuthModule.forRoot({ endpoint: jwks.endpoint, audience: TEST_AUDIENCE })],
      controllers: [DocumentsMessages],
    });
    const microservice = app.connectMicroservice(
      { transport: Transport.TCP, options: { host: '127.0.0.1', port: 0 } },
      { inheritAppConfig },
    );
    await app.startAllMicroservices();
    client = await connectTcpClient(microservice);
  });
  afterAll(async () => {
    await client?.close();
    await app?.close();
    await jwks?.close();
  });

  // Nest gives a connected microservice the app's global guards only with inheritAppConfig (README).
  it(inheritAppConfig ? 'refuses a non-public message handler' : 'does not guard the microservice at all', async () => {
    const reply = firstValueFrom(client.send('documents.count', {}));
    if (inheritAppConfig) {
      await expect(reply).rejects.toMatchObject({ status: 'error', code: 'auth.execution_context_not_supported' });
    } else {
      await expect(reply).resolves.toBe(3);
    }
  });
});
