import { CanActivate, ExecutionContext, Injectable, UseGuards } from '@nestjs/common';
import { GqlExecutionContext, Mutation, Parent, Query, ResolveField, Resolver, Subscription } from '@nestjs/graphql';
import { AnyScope, CurrentUser, LogtoUser, Public, Scopes } from '../../lib';

/** A user's own resolver guard: runs after LogtoAuthGuard and reads the user from the GraphQL context. */
@Injectable()
export class GqlAdminGuard implements CanActivate {
  canActivate(context: ExecutionContext): boolean {
    const user = GqlExecutionContext.create(context).getContext<{ req: { user?: LogtoUser } }>().req.user;
    const roles = user?.claims.roles;
    return Array.isArray(roles) && roles.includes('admin');
  }
}

/** The schema of `DocumentsResolver`, schema-first so the tests need no type metadata. */
export const DOCUMENTS_TYPE_DEFS = /* GraphQL */ `
  type Me {
    sub: String!
    scopes: [String!]!
  }
  type Query {
    me: Me
    mySub: String
    search: [String!]
    health: String!
    adminOnly: String
  }
  type Mutation {
    createDocument: String
  }
`;

/** The GraphQL twin of `DocumentsController`: the same decorators on resolvers. */
@Resolver()
@Scopes('read:documents')
export class DocumentsResolver {
  @Query('me')
  me(@CurrentUser() user: LogtoUser) {
    return { sub: user.sub, scopes: user.scopes };
  }

  @Query('mySub')
  mySub(@CurrentUser('sub') sub: string) {
    return sub;
  }

  @Query('search')
  @AnyScope('search:all', 'search:own')
  search() {
    return [];
  }

  @Query('health')
  @Public()
  health() {
    return 'ok';
  }

  @Query('adminOnly')
  @UseGuards(GqlAdminGuard)
  adminOnly(@CurrentUser('sub') sub: string) {
    return `admin ${sub}`;
  }

  @Mutation('createDocument')
  @Scopes('write:documents')
  createDocument(@CurrentUser('sub') sub: string) {
    return `created by ${sub}`;
  }
}

/** A type with field resolvers, added to `DOCUMENTS_TYPE_DEFS` by the apps that serve `DocResolver`. */
export const DOC_TYPE_DEFS = /* GraphQL */ `
  type Doc {
    id: String!
    secret: String
    viewer: String
  }
  extend type Query {
    doc: Doc
    publicDoc: Doc
  }
  extend type Mutation {
    openDoc: Doc
  }
  type Subscription {
    ticks: Int
    publicTicks: Int
  }
`;

async function* ticks() {
  yield { ticks: 1 };
  yield { ticks: 2 };
}

/**
 * Field resolvers carrying requirements: `secret` needs `admin`, whichever query returns the `Doc`;
 * `viewer` is `@Public()` and tells whom the request is attached to.
 */
@Resolver('Doc')
export class DocResolver {
  @Query('doc')
  @Scopes('read:documents')
  doc() {
    return { id: 'doc-1' };
  }

  @Query('publicDoc')
  @Public()
  publicDoc() {
    return { id: 'doc-1' };
  }

  @Mutation('openDoc')
  @Public()
  openDoc() {
    return { id: 'doc-1' };
  }

  @ResolveField('secret')
  @Scopes('admin')
  secret(@Parent() doc: { id: string }) {
    return `TOP-SECRET-of-${doc.id}`;
  }

  @ResolveField('viewer')
  @Public()
  viewer(@CurrentUser('sub') sub: string | undefined) {
    return sub ?? null;
  }

  @Subscription('ticks')
  @Scopes('read:documents')
  ticks() {
    return ticks();
  }

  @Subscription('publicTicks', { resolve: (payload: { ticks: number }) => payload.ticks })
  @Public()
  publicTicks() {
    return ticks();
  }
}
