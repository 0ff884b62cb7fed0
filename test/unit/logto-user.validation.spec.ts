import { afterEach, describe, expect, it, vi } from 'vitest';
import { ModuleRef } from '@nestjs/core';
import { LogtoAuthException, LogtoAuthModuleOptions, LogtoUser } from '../../lib';
import { resolveLogtoAuthOptions } from '../../lib/logto-auth.options';
import { LogtoUserValidation } from '../../lib/logto-user.validation';

const user = { sub: 'user-1', claims: { sub: 'user-1' } } as unknown as LogtoUser;

function validationWith(options: Partial<LogtoAuthModuleOptions>): LogtoUserValidation {
  const resolved = resolveLogtoAuthOptions({ endpoint: 'https://t.logto.app', audience: 'https://api.example.com', ...options });
  const validation = new LogtoUserValidation(resolved, {} as ModuleRef);
  validation.onModuleInit();
  return validation;
}

/** Settles `promise` into a plain record, so a fake clock can be advanced while it is pending. */
function track(promise: Promise<void>) {
  const state: { settled: boolean; error?: unknown } = { settled: false };
  promise.then(
    () => Object.assign(state, { settled: true }),
    (error: unknown) => Object.assign(state, { settled: true, error }),
  );
  return state;
}

describe('LogtoUserValidation deadline (fake clock)', () => {
  afterEach(() => {
    vi.useRealTimers();
  });

  it('refuses a rule that never settles after the default 5 s, not a millisecond earlier', async () => {
    vi.useFakeTimers();
    const state = track(validationWith({ validate: () => new Promise<boolean>(() => undefined) }).assert(user));
    await vi.advanceTimersByTimeAsync(4_999);
    expect(state.settled).toBe(false);
    await vi.advanceTimersByTimeAsync(1);
    expect(state.settled).toBe(true);
    expect(state.error).toBeInstanceOf(LogtoAuthException);
    expect((state.error as LogtoAuthException).reason).toBe('validation_timeout');
    expect((state.error as LogtoAuthException).getStatus()).toBe(503);
    expect((state.error as LogtoAuthException).details.retryAfterSeconds).toBe(5);
  });

  it('ignores an answer that arrives after the deadline (true included)', async () => {
    vi.useFakeTimers();
    const late = () => new Promise<boolean>((resolve) => setTimeout(() => resolve(true), 250));
    const state = track(validationWith({ validate: late, validateTimeoutMs: 200 }).assert(user));
    await vi.advanceTimersByTimeAsync(300);
    expect((state.error as LogtoAuthException).reason).toBe('validation_timeout');
  });

  it('lets true through before the deadline and leaves no timer behind', async () => {
    vi.useFakeTimers();
    const state = track(validationWith({ validate: () => true, validateTimeoutMs: 200 }).assert(user));
    await vi.advanceTimersByTimeAsync(0);
    expect(state).toEqual({ settled: true });
    expect(vi.getTimerCount()).toBe(0);
  });

  it('refuses a rule that throws synchronously with 403, not 503', async () => {
    const validation = validationWith({
      validate: () => {
        throw new Error('boom');
      },
    });
    await expect(validation.assert(user)).rejects.toMatchObject({ reason: 'validation_failed' });
  });
});
