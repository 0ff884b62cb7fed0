import { describe, expect, it } from 'vitest';
import { resolveLogtoAuthOptions } from '../../lib/logto-auth.options';

const base = { endpoint: 'https://tenant.logto.app', audience: 'https://api.example.com' };

describe('JWKS resolution options', () => {
  it('default to a 5 s deadline, a 30 s cooldown for unknown kids, a 10 min key-set age and 1 h of stale keys', () => {
    const options = resolveLogtoAuthOptions(base);
    expect(options.jwksTimeoutMs).toBe(5_000);
    expect(options.jwksCooldownMs).toBe(30_000);
    expect(options.jwksCacheMaxAgeMs).toBe(600_000);
    expect(options.jwksStaleMaxAgeMs).toBe(3_600_000);
  });

  it('take small values, so that tests and tight deployments can shorten the windows', () => {
    const options = resolveLogtoAuthOptions({ ...base, jwksTimeoutMs: 1, jwksCooldownMs: 0, jwksCacheMaxAgeMs: 1_000 });
    expect([options.jwksTimeoutMs, options.jwksCooldownMs, options.jwksCacheMaxAgeMs]).toEqual([1, 0, 1_000]);
  });

  it.each([
    ['jwksTimeoutMs', 0],
    ['jwksTimeoutMs', 60_001],
    ['jwksTimeoutMs', Number.NaN],
    ['jwksCooldownMs', -1],
    ['jwksCooldownMs', '30000'],
    ['jwksCacheMaxAgeMs', 999],
    ['jwksStaleMaxAgeMs', -1],
    ['jwksStaleMaxAgeMs', Number.POSITIVE_INFINITY],
  ])('refuse %s = %s at start-up, naming the option', (option, value) => {
    expect(() => resolveLogtoAuthOptions({ ...base, [option]: value })).toThrow(`option "${option}"`);
  });
});
