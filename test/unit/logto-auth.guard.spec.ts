import { ExecutionContext } from '@nestjs/common';
import { ExecutionContextHost } from '@nestjs/core/helpers/execution-context-host';
import { IncomingMessage, ServerResponse } from 'node:http';
import { Socket } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { LogtoAuthException, LogtoAuthGuard, LogtoUser } from '../../lib';
import { DocumentsController } from '../helpers/documents.controller';
import { ProtectedApi, startProtectedApi } from '../helpers/protected-api';
import { verificationsSince } from '../helpers/verifications-since';

/** A real Node request and response, as Express hands them to the guard (its prototypes set), for `GET /documents`. */
function httpExecution(api: ProtectedApi, authorization?: string) {
  const express = api.app.getHttpAdapter().getInstance() as { request: object; response: object };
  const request = Object.setPrototypeOf(new IncomingMessage(new Socket()), express.request) as IncomingMessage & { user?: LogtoUser };
  request.headers = authorization === undefined ? {} : { authorization };
  request.rawHeaders = authorization === undefined ? [] : ['Authorization', authorization];
  const response = Object.setPrototypeOf(new ServerResponse(request), express.response) as ServerResponse;
  const context: ExecutionContext = new ExecutionContextHost([request, response, () => undefined], DocumentsController, DocumentsController.prototype.list);
  return { request, response, context };
}

// Nest awaits whatever canActivate returns; these pin what the guard hands back, for callers of its own.
describe('LogtoAuthGuard.canActivate, called directly', () => {
  let api: ProtectedApi;
  let guard: LogtoAuthGuard;

  beforeAll(async () => {
    api = await startProtectedApi('express', { options: { realm: 'documents' } });
    guard = api.app.get(LogtoAuthGuard);
  });
  afterAll(() => api?.close());

  it('answers a token it must verify with a promise, and the same token again (a cache hit) with true at once', async () => {
    const token = api.token({ claims: { scope: 'read:documents' } });
    const verified = verificationsSince(api.app);
    const first = httpExecution(api, `Bearer ${token}`);
    const miss = guard.canActivate(first.context);
    expect(miss).toBeInstanceOf(Promise);
    await expect(miss).resolves.toBe(true);
    expect(first.request.user?.scopes).toEqual(['read:documents']);

    const second = httpExecution(api, `Bearer ${token}`);
    expect(guard.canActivate(second.context)).toBe(true);
    expect(second.request.user).toBe(first.request.user);
    expect(verified()).toBe(1);
  });

  it('refuses a cache hit without the route scope as a rejected promise, with the challenge on the response, and no user', async () => {
    const token = api.token({ claims: { scope: 'write:documents' } });
    await api.get('/documents/search', `Bearer ${token}`).expect(403); // verified and remembered (the scope is wrong there too)
    const { request, response, context } = httpExecution(api, `Bearer ${token}`);
    const outcome = guard.canActivate(context);
    expect(outcome).toBeInstanceOf(Promise);
    const refusal = await (outcome as Promise<boolean>).catch((error: unknown) => error);
    expect(refusal).toBeInstanceOf(LogtoAuthException);
    expect((refusal as LogtoAuthException).getStatus()).toBe(403);
    expect((refusal as LogtoAuthException).code).toBe('insufficient_scope');
    expect(response.getHeader('www-authenticate')).toBe(
      'Bearer realm="documents", error="insufficient_scope", error_description="The access token lacks a scope this resource requires.", scope="read:documents"',
    );
    expect(request.user).toBeUndefined();
  });

  it('refuses a request without an Authorization header as a rejected promise, never a synchronous throw', async () => {
    const { request, response, context } = httpExecution(api);
    let outcome: unknown;
    expect(() => (outcome = guard.canActivate(context))).not.toThrow();
    const refusal = await (outcome as Promise<boolean>).catch((error: unknown) => error);
    expect((refusal as LogtoAuthException).getStatus()).toBe(401);
    expect((refusal as LogtoAuthException).code).toBe('auth.authorization_header_missing');
    expect(response.getHeader('www-authenticate')).toBe('Bearer realm="documents"');
    expect(request.user).toBeUndefined();
  });
});
