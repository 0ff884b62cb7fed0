import { CanActivate, Controller, ExecutionContext, Get, Injectable, Post, UseGuards } from '@nestjs/common';
import { describe, expect, it } from 'vitest';
import { AnyScope, CurrentUser, LogtoUser, Public, RequireOrganization, Scopes } from '../../lib';
import { DocumentsController } from '../helpers/documents.controller';
import { useProtectedApi } from '../helpers/protected-api';
import { expectOutcome, insufficientScope, invalidToken } from '../helpers/expect-outcome';
import { ADAPTERS } from '../helpers/test-app';

@Injectable()
class RecordingGuard implements CanActivate {
  static seen: unknown[] = [];
  canActivate(context: ExecutionContext) {
    RecordingGuard.seen.push(context.switchToHttp().getRequest().user?.sub);
    return true;
  }
}

@Controller('stacked')
class StackedController {
  @Get()
  @Scopes('a')
  @Scopes('b')
  both() {
    return 'ok';
  }

  @Get('any')
  @AnyScope('x', 'y')
  @AnyScope('z')
  groups() {
    return 'ok';
  }

  @Get('sub')
  @UseGuards(RecordingGuard)
  sub(@CurrentUser('sub') sub: string, @CurrentUser('scopes') scopes: string[]) {
    return { sub, scopes };
  }
}

@Controller('open')
@Public()
class OpenController {
  @Get()
  open(@CurrentUser() user: LogtoUser | undefined) {
    return { user: user ?? null };
  }

  @Post()
  @Scopes('write:documents')
  ownScopes() {
    return 'ok';
  }
}

@Controller('admin')
@Scopes('admin')
class AdminController extends OpenController {
  @Get('secret')
  secret() {
    return 'secret';
  }
}

/** Inherits OpenController's handlers and class-level @Public(), and adds nothing. */
@Controller('plain-subclass')
class PlainSubclassController extends OpenController {}

@Controller('contradiction')
class ContradictionController {
  @Get()
  @Public()
  @Scopes('admin')
  both() {
    return 'ok';
  }
}

@Controller('class-contradiction')
@Public()
@Scopes('admin')
class ClassContradictionController {
  @Get()
  inherited() {
    return 'ok';
  }

  @Get('health')
  @Public()
  health() {
    return 'ok';
  }
}

@Controller('class-organization')
@Public()
@RequireOrganization()
class ClassOrganizationContradictionController {
  @Get()
  inherited() {
    return 'ok';
  }
}

const besides = (groups: string) => ` Besides the scopes in scope, it needs one of: ${groups}.`;

describe.each(ADAPTERS)('route metadata over %s', (adapter) => {
  const api = useProtectedApi(adapter, { controllers: [DocumentsController, StackedController, OpenController, AdminController, PlainSubclassController, ContradictionController, ClassContradictionController, ClassOrganizationContradictionController], providers: [RecordingGuard] });
  const bearer = (scope?: string) => `Bearer ${api.token({ claims: { scope } })}`;

  it('class and handler @Scopes add up', async () => {
    expect((await api.post('/documents', bearer('read:documents write:documents'))).status).toBe(201);
    const onlyWrite = await api.post('/documents', bearer('write:documents'));
    expectOutcome(onlyWrite, insufficientScope('read:documents write:documents'));
  });

  it('several @Scopes on one handler add up', async () => {
    expect((await api.get('/stacked', bearer('a b'))).status).toBe(200);
    const res = await api.get('/stacked', bearer('a'));
    expectOutcome(res, insufficientScope('a b'));
  });

  it('@AnyScope needs one of its list, on top of the class @Scopes', async () => {
    expect((await api.get('/documents/search', bearer('read:documents search:own'))).status).toBe(200);
    expect((await api.get('/documents/search', bearer('read:documents search:all'))).status).toBe(200);
    const none = await api.get('/documents/search', bearer('read:documents'));
    // scope holds what is required on its own; the alternatives are not written as if all were required
    expectOutcome(none, insufficientScope('read:documents', besides('search:all, search:own')));
    const noClassScope = await api.get('/documents/search', bearer('search:all'));
    expectOutcome(noClassScope, insufficientScope('read:documents', besides('search:all, search:own')));
  });

  it('each @AnyScope is its own requirement', async () => {
    expect((await api.get('/stacked/any', bearer('y z'))).status).toBe(200);
    const res = await api.get('/stacked/any', bearer('x'));
    expectOutcome(res, insufficientScope('z', besides('x, y')));
  });

  it('@Public on a handler opens it without reading the Authorization header', async () => {
    expect((await api.get('/documents/health')).status).toBe(200);
    expect((await api.get('/documents/health', 'Basic garbage')).status).toBe(200);
    expect((await api.get('/documents/health', 'Bearer not.a.token')).status).toBe(200);
  });

  it('@Public on a class opens its handlers, and there is no user', async () => {
    const res = await api.get('/open', bearer('read:documents'));
    expect(res.status).toBe(200);
    expect(res.body).toEqual({ user: null });
  });

  it('a handler with its own @Scopes needs a token even under a class-level @Public (fail closed)', async () => {
    const junk = await api.post('/open', 'Bearer junk');
    expectOutcome(junk, invalidToken('opaque_token'));
    const noScope = await api.post('/open', bearer('read:documents'));
    expectOutcome(noScope, insufficientScope('write:documents'));
    expect((await api.post('/open', bearer('write:documents'))).status).toBe(201);
  });

  it('@Public and @Scopes on the same handler: the scopes win (fail closed)', async () => {
    const res = await api.get('/contradiction');
    expect(res.status).toBe(401);
    expect(res.body.code).toBe('auth.authorization_header_missing');
    expect(res.headers['www-authenticate']).toBe('Bearer realm="api"');
    expect((await api.get('/contradiction', bearer('admin'))).status).toBe(200);
  });

  it('@Public and @Scopes on the same class: the scopes win for every handler without its own @Public', async () => {
    const anonymous = await api.get('/class-contradiction');
    expect(anonymous.status).toBe(401);
    expect(anonymous.body.code).toBe('auth.authorization_header_missing');
    expect(anonymous.headers['www-authenticate']).toBe('Bearer realm="api"');
    const reader = await api.get('/class-contradiction', bearer('read:documents'));
    expectOutcome(reader, insufficientScope('admin'));
    expect((await api.get('/class-contradiction', bearer('admin'))).status).toBe(200);
    // A handler's own @Public() still opens it, as in any scoped class.
    expect((await api.get('/class-contradiction/health')).status).toBe(200);
  });

  it('@Public and @RequireOrganization on the same class: the requirement wins', async () => {
    const anonymous = await api.get('/class-organization');
    expect(anonymous.status).toBe(401);
    expect(anonymous.body.code).toBe('auth.authorization_header_missing');
    expect(anonymous.headers['www-authenticate']).toBe('Bearer realm="api"');
    const noOrganization = await api.get('/class-organization', bearer('read:documents'));
    expect(noOrganization.status).toBe(403);
    expect(noOrganization.body.code).toBe('auth.organization_required');
  });

  it('a class-level @Public is not inherited by a subclass that adds @Scopes', async () => {
    const anonymous = await api.get('/admin/secret');
    expect(anonymous.status).toBe(401);
    expect(anonymous.body.code).toBe('auth.authorization_header_missing');
    expect(anonymous.headers['www-authenticate']).toBe('Bearer realm="api"');
    const inherited = await api.get('/admin', bearer('read:documents'));
    expectOutcome(inherited, insufficientScope('admin'));
    expect((await api.get('/admin/secret', bearer('admin'))).status).toBe(200);
  });

  it('a class-level @Public is not inherited even by a subclass that adds nothing: it needs a token', async () => {
    expect((await api.get('/open')).status).toBe(200); // the base class stays public
    const anonymous = await api.get('/plain-subclass');
    expect(anonymous.status).toBe(401);
    expect(anonymous.body.code).toBe('auth.authorization_header_missing');
    expect(anonymous.headers['www-authenticate']).toBe('Bearer realm="api"');
    expect((await api.get('/plain-subclass', bearer('read:documents'))).body).toEqual({ user: expect.objectContaining({ sub: 'user-1' }) });
  });

  it('@CurrentUser(field) returns one field; request.user is set for guards that run after this one', async () => {
    RecordingGuard.seen = [];
    const res = await api.get('/stacked/sub', `Bearer ${api.token({ claims: { sub: 'user-9', scope: 'p q' } })}`);
    expect(res.status).toBe(200);
    expect(res.body).toEqual({ sub: 'user-9', scopes: ['p', 'q'] });
    expect(RecordingGuard.seen).toEqual(['user-9']);
  });

  it('a refused request never reaches guards that run after this one', async () => {
    RecordingGuard.seen = [];
    expect((await api.get('/stacked/sub')).status).toBe(401);
    expect(RecordingGuard.seen).toEqual([]);
  });
});

describe('scope decorators refuse bad declarations at class definition', () => {
  it.each([
    [() => Scopes(), '@Scopes() needs at least one scope'],
    [() => AnyScope(), '@AnyScope() needs at least one scope'],
    [() => Scopes('read documents'), 'not a valid scope'],
    [() => Scopes(''), 'not a valid scope'],
    [() => AnyScope('a', 'b"c'), 'not a valid scope'],
  ])('%#', (declare, message) => {
    expect(declare).toThrow(message);
  });
});
