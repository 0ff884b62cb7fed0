import { describe, expect, it } from 'vitest';
import { LogtoAuthModule, LogtoAuthModuleOptions, LogtoUser } from '../../lib';
import { resolveLogtoAuthOptions } from '../../lib/logto-auth.options';
import { createTestApp } from '../helpers/test-app';

const EU = 'https://eu.logto.example';
const US = 'https://us.logto.example';
const AUDIENCE = 'https://api.example.com';
const resolve = (options: Partial<LogtoAuthModuleOptions>) => () => resolveLogtoAuthOptions(options as LogtoAuthModuleOptions);

describe('start-up validation of tenants, organizations, scopeClaim and validators', () => {
  it('resolves tenants into one issuer group each, with the top-level audience as default', () => {
    const resolved = resolveLogtoAuthOptions({
      audience: AUDIENCE,
      tenants: [{ endpoint: `${EU}/` }, { endpoint: US, issuer: [`${US}/oidc`, 'https://auth.example.com/oidc'], audience: 'https://us.api' }],
    });
    expect(resolved.tenants).toEqual([
      { issuers: [`${EU}/oidc`], jwksUri: `${EU}/oidc/jwks`, audiences: [AUDIENCE] },
      { issuers: [`${US}/oidc`, 'https://auth.example.com/oidc'], jwksUri: `${US}/oidc/jwks`, audiences: ['https://us.api'] },
    ]);
    expect(resolved.issuers).toEqual([`${EU}/oidc`, `${US}/oidc`, 'https://auth.example.com/oidc']);
    expect(resolved.audiences).toEqual([AUDIENCE, 'https://us.api']);
  });

  it('keeps the defaults off: organizations false, scopes from `scope`, no validator', () => {
    const resolved = resolveLogtoAuthOptions({ endpoint: EU, audience: AUDIENCE });
    expect(resolved).toMatchObject({ organizations: false, scopeClaim: 'scope' });
    expect(resolved.validate).toBeUndefined();
    expect(resolved.validator).toBeUndefined();
    expect(resolved.tenants).toHaveLength(1);
  });

  it.each([
    [{ endpoint: EU, audience: AUDIENCE, tenants: [{ endpoint: US }] }, 'option "endpoint" cannot be combined with "tenants"'],
    [{ issuer: `${EU}/oidc`, audience: AUDIENCE, tenants: [{ endpoint: US }] }, 'option "issuer" cannot be combined with "tenants"'],
    [{ jwksUri: `${EU}/oidc/jwks`, audience: AUDIENCE, tenants: [{ endpoint: US }] }, 'option "jwksUri" cannot be combined'],
    [{ audience: AUDIENCE, tenants: [] }, 'option "tenants" must be a non-empty array'],
    [{ audience: AUDIENCE, tenants: 'https://eu' }, 'option "tenants" must be a non-empty array'],
    [{ audience: AUDIENCE, tenants: [null] }, 'option "tenants[0]" must be an object'],
    [{ audience: AUDIENCE, tenants: [{ endpoint: EU }, { issuer: `${US}/oidc` }] }, 'option "tenants[1].endpoint" is required unless'],
    [{ tenants: [{ endpoint: EU, audience: AUDIENCE }, { endpoint: US }] }, 'option "tenants[1].audience" must be a non-empty'],
    [{ audience: AUDIENCE, tenants: [{ endpoint: 'http://eu.logto.example' }] }, 'option "tenants[0].endpoint" must use https'],
    [{ audience: AUDIENCE, tenants: [{ endpoint: EU }, { endpoint: `${EU}/` }] }, `option "tenants" names the issuer "${EU}/oidc" in more than one tenant`],
    [{ endpoint: EU, audience: AUDIENCE, organizations: 'yes' }, 'option "organizations" must be a boolean'],
    [{ endpoint: EU, audience: AUDIENCE, scopeClaim: '' }, 'option "scopeClaim" must name the claim'],
    [{ endpoint: EU, audience: AUDIENCE, scopeClaim: 'sub' }, 'option "scopeClaim" must name the claim'],
    [{ endpoint: EU, audience: AUDIENCE, validate: true }, 'option "validate" must be a function'],
    [{ endpoint: EU, audience: AUDIENCE, validator: () => true }, 'option "validator" must be a class with a validate'],
    [
      { endpoint: EU, audience: AUDIENCE, validate: () => true, validator: class { validate = () => true; static x = 1; } },
      'option "validator" must be a class',
    ],
    [
      { endpoint: EU, audience: AUDIENCE, validate: () => true, validator: class { validate(_user: LogtoUser) { return true; } } },
      'option "validator" cannot be combined with "validate"',
    ],
  ])('refuses %j', (options, message) => {
    expect(resolve(options as Partial<LogtoAuthModuleOptions>)).toThrow(message);
  });

  it('refuses a conflicting configuration when the application starts', async () => {
    await expect(
      createTestApp('express', {
        imports: [LogtoAuthModule.forRoot({ endpoint: EU, audience: AUDIENCE, tenants: [{ endpoint: US }] })],
      }),
    ).rejects.toThrow('LogtoAuthModule: option "endpoint" cannot be combined with "tenants"');
  });
});
