import { describe, expect, it, vi } from 'vitest';
import { RequestOutcomes } from '../../../lib/cache/request-outcomes.cache';
import { LogtoAuthException } from '../../../lib/errors/logto-auth.exception';
import { LogtoUser } from '../../../lib/interfaces/logto-user.interface';

const user = { sub: 'user-1' } as LogtoUser;

describe('RequestOutcomes', () => {
  it('remembers a refusal for the same request object, and only for it', async () => {
    const shared = new RequestOutcomes();
    const authenticate = vi.fn(() => Promise.reject(new LogtoAuthException('bad_signature')));
    const request = {};
    await expect(shared.forRequest(request, authenticate)).rejects.toMatchObject({ reason: 'bad_signature' });
    await expect(shared.forRequest(request, authenticate)).rejects.toMatchObject({ reason: 'bad_signature' });
    expect(authenticate).toHaveBeenCalledTimes(1);
    await expect(shared.forRequest({}, authenticate)).rejects.toMatchObject({ reason: 'bad_signature' });
    expect(authenticate).toHaveBeenCalledTimes(2);
  });

  it('forgets an outage refusal once settled, so a long-lived connection can succeed later', async () => {
    const shared = new RequestOutcomes();
    const request = {};
    const outage = shared.forRequest(request, () => Promise.reject(new LogtoAuthException('jwks_unavailable')));
    await expect(outage).rejects.toMatchObject({ reason: 'jwks_unavailable' });
    await Promise.resolve(); // the forgetting handler runs after the callers' own
    await expect(shared.forRequest(request, () => Promise.resolve(user))).resolves.toBe(user);
  });
});
