import { describe, expect, it, vi } from 'vitest';
import { SharedVerifications } from '../../../lib/cache/shared-verifications.cache';
import { LogtoAuthException } from '../../../lib/errors/logto-auth.exception';
import { LogtoUser } from '../../../lib/interfaces/logto-user.interface';

const user = { sub: 'user-1' } as LogtoUser;

describe('SharedVerifications', () => {
  it('remembers a refusal for the same request object, and only for it', async () => {
    const shared = new SharedVerifications();
    const authenticate = vi.fn(() => Promise.reject(new LogtoAuthException('bad_signature')));
    const request = {};
    await expect(shared.forRequest(request, authenticate)).rejects.toMatchObject({ reason: 'bad_signature' });
    await expect(shared.forRequest(request, authenticate)).rejects.toMatchObject({ reason: 'bad_signature' });
    expect(authenticate).toHaveBeenCalledTimes(1);
    await expect(shared.forRequest({}, authenticate)).rejects.toMatchObject({ reason: 'bad_signature' });
    expect(authenticate).toHaveBeenCalledTimes(2);
  });

  it('forgets an outage refusal once settled, so a long-lived connection can succeed later', async () => {
    const shared = new SharedVerifications();
    const request = {};
    const outage = shared.forRequest(request, () => Promise.reject(new LogtoAuthException('jwks_unavailable')));
    await expect(outage).rejects.toMatchObject({ reason: 'jwks_unavailable' });
    await Promise.resolve(); // the forgetting handler runs after the callers' own
    await expect(shared.forRequest(request, () => Promise.resolve(user))).resolves.toBe(user);
  });

  it('shares one verification of a token while it is in flight, then lets the next one run', async () => {
    const shared = new SharedVerifications();
    let settle!: (value: LogtoUser) => void;
    const verify = vi.fn(() => new Promise<LogtoUser>((resolve) => (settle = resolve)));
    const first = shared.forToken('token', verify);
    const second = shared.forToken('token', verify);
    expect(verify).toHaveBeenCalledTimes(1);
    settle(user);
    await expect(Promise.all([first, second])).resolves.toEqual([user, user]);
    void shared.forToken('token', verify);
    expect(verify).toHaveBeenCalledTimes(2);
  });
});
