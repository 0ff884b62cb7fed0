import { beforeAll, describe, expect, it } from 'vitest';
import { LogtoAuthModuleOptions } from '../../lib';
import { DocumentsController } from '../helpers/documents.controller';
import { CurrentOrganizationController, OrganizationMembersController } from '../helpers/organizations.controller';
import { expectOutcome, forbidden, invalidToken } from '../helpers/expect-outcome';
import { ADAPTERS } from '../helpers/test-app';
import { ProtectedApi, useProtectedApi } from '../helpers/protected-api';

const ORG_A = 'org-a1b2c3';
const ORG_B = 'org-d4e5f6';
const organizationAudience = (id: string) => `urn:logto:organization:${id}`;

describe.each(ADAPTERS)('organizations over %s', (adapter) => {
  const controllers = [DocumentsController, OrganizationMembersController, CurrentOrganizationController];
  /** Its JWKS server and key serve the apps each describe block starts with its own options. */
  const base = useProtectedApi(adapter, { controllers, cold: true });
  const start = (options: Partial<LogtoAuthModuleOptions> = {}) => base.start({ options, controllers, cold: true });
  const token = (claims: Record<string, unknown>) => base.token({ claims });
  const get = (app: ProtectedApi, path: string, bearer: string) => app.get(path, `Bearer ${bearer}`);

  describe('organization-level API resources (organization_id claim), default options', () => {
    let app: ProtectedApi;
    beforeAll(async () => (app = await start()));

    it('lets a token for organization A act on A, and @OrganizationId() gives A', async () => {
      const res = await get(app, `/orgs/${ORG_A}/members`, token({ organization_id: ORG_A, scope: 'read:members' }));
      expect(res.status).toBe(200);
      expect(res.body).toEqual({ organizationId: ORG_A });
    });

    it('refuses a token for organization A on organization B (403 auth.organization_mismatch)', async () => {
      const res = await get(app, `/orgs/${ORG_B}/members`, token({ organization_id: ORG_A, scope: 'read:members' }));
      expectOutcome(res, forbidden('auth.organization_mismatch', 'organization_mismatch'));
    });

    it('compares the organization id exactly (no case folding)', async () => {
      const res = await get(app, `/orgs/${ORG_A.toUpperCase()}/members`, token({ organization_id: ORG_A, scope: 'read:members' }));
      expectOutcome(res, forbidden('auth.organization_mismatch', 'organization_mismatch'));
    });

    it('refuses a token without organization on @RequireOrganization() (403 auth.organization_required)', async () => {
      const res = await get(app, '/organization', token({}));
      expectOutcome(res, forbidden('auth.organization_required', 'organization_required'));
    });

    it('refuses when the named route parameter does not exist, instead of comparing with nothing', async () => {
      const res = await get(app, `/organization/typo/${ORG_A}`, token({ organization_id: ORG_A }));
      expectOutcome(res, forbidden('auth.organization_mismatch', 'organization_mismatch'));
    });

    it('checks scopes before the organization', async () => {
      const res = await get(app, `/orgs/${ORG_A}/members`, token({ organization_id: ORG_A, scope: 'read:documents' }));
      expect(res.status).toBe(403);
      expect(res.body.code).toBe('insufficient_scope');
      expect(res.headers['www-authenticate']).toContain('scope="read:members"');
    });

    it('still accepts a token with organization_id on routes without @RequireOrganization()', async () => {
      const res = await get(app, '/documents', token({ organization_id: ORG_A }));
      expect(res.status).toBe(200);
      expect(res.body.user.organizationId).toBe(ORG_A);
    });

    it('refuses organization tokens when organizations is not enabled (off by default)', async () => {
      const res = await get(app, `/orgs/${ORG_A}/members`, token({ aud: organizationAudience(ORG_A), scope: 'read:members' }));
      expectOutcome(res, invalidToken('wrong_audience'));
    });
  });

  describe('organization tokens with organizations: true', () => {
    let app: ProtectedApi;
    beforeAll(async () => (app = await start({ organizations: true })));

    it('accepts an organization token on its organization, with its permissions as scopes', async () => {
      const res = await get(app, `/orgs/${ORG_A}/members`, token({ aud: organizationAudience(ORG_A), scope: 'read:members' }));
      expect(res.status).toBe(200);
      expect(res.body).toEqual({ organizationId: ORG_A });
    });

    it('refuses an organization token for A on organization B', async () => {
      const res = await get(app, `/orgs/${ORG_B}/members`, token({ aud: organizationAudience(ORG_A), scope: 'read:members' }));
      expectOutcome(res, forbidden('auth.organization_mismatch', 'organization_mismatch'));
    });

    it('applies @Scopes() to organization permissions', async () => {
      const res = await get(app, `/orgs/${ORG_A}/members`, token({ aud: organizationAudience(ORG_A), scope: 'invite:members' }));
      expect(res.status).toBe(403);
      expect(res.body.code).toBe('insufficient_scope');
      expect(res.headers['www-authenticate']).toBe(
        'Bearer realm="api", error="insufficient_scope", error_description="The access token lacks a scope this resource requires.", scope="read:members"',
      );
    });

    it('refuses an organization token on an API route that is not an organization route', async () => {
      const res = await get(app, '/documents', token({ aud: organizationAudience(ORG_A), scope: 'read:documents' }));
      expectOutcome(res, forbidden('auth.organization_token_not_accepted', 'organization_token_not_accepted'));
    });

    it('refuses a token whose organization audience and organization_id disagree', async () => {
      const res = await get(
        app,
        `/orgs/${ORG_B}/members`,
        token({ aud: organizationAudience(ORG_A), organization_id: ORG_B, scope: 'read:members' }),
      );
      expectOutcome(res, invalidToken('invalid_claims'));
    });

    it('refuses a token that names two organizations in its audience', async () => {
      const aud = [organizationAudience(ORG_A), organizationAudience(ORG_B)];
      const res = await get(app, `/orgs/${ORG_B}/members`, token({ aud, scope: 'read:members' }));
      expectOutcome(res, invalidToken('invalid_claims'));
    });

    it('refuses an organization audience without an id', async () => {
      const res = await get(app, '/organization', token({ aud: 'urn:logto:organization:' }));
      expectOutcome(res, invalidToken('wrong_audience'));
    });

    it('keeps API tokens working alongside, on API and organization routes', async () => {
      const api = await get(app, '/documents', token({}));
      expect(api.status).toBe(200);
      const org = await get(app, `/orgs/${ORG_B}/members`, token({ organization_id: ORG_B, scope: 'read:members' }));
      expect(org.body).toEqual({ organizationId: ORG_B });
    });
  });
});
