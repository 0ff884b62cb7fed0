import { describe, expect, it, vi } from 'vitest';
import { InFlightVerifications } from '../../../lib/cache/in-flight-verifications.cache';
import { LogtoUser } from '../../../lib/interfaces/logto-user.interface';

const user = { sub: 'user-1' } as LogtoUser;

describe('InFlightVerifications', () => {
  it('shares one verification of a token while it is in flight, then lets the next one run', async () => {
    const shared = new InFlightVerifications();
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

  it('forgets a refusal as soon as it settles, so the next caller verifies again', async () => {
    const shared = new InFlightVerifications();
    const verify = vi.fn(() => Promise.reject(new Error('refused')));
    await expect(shared.forToken('token', verify)).rejects.toThrow('refused');
    await Promise.resolve(); // the forgetting handler runs after the caller's own
    await expect(shared.forToken('token', verify)).rejects.toThrow('refused');
    expect(verify).toHaveBeenCalledTimes(2);
  });
});
