/** The part of `@nestjs/swagger`'s `DocumentBuilder` this helper uses (so this file needs no import of it). */
export interface BearerAuthDocumentBuilder {
  addBearerAuth(options?: Record<string, unknown>, name?: string): this;
  addSecurityRequirements(name: string, requirements?: string[]): this;
}

/** The name of the security scheme `addLogtoBearerAuth` adds, unless told otherwise. */
export const LOGTO_SECURITY_SCHEME = 'logto';

/**
 * Adds the Logto bearer scheme (`http`, `bearer`, JWT) to a `DocumentBuilder` and requires it on every
 * operation; `createLogtoSwaggerDocument` then lifts it from `@Public()` handlers.
 *
 * @example
 * const config = addLogtoBearerAuth(new DocumentBuilder().setTitle('Documents API')).build();
 */
export function addLogtoBearerAuth<T extends BearerAuthDocumentBuilder>(builder: T, name = LOGTO_SECURITY_SCHEME): T {
  return builder
    .addBearerAuth(
      {
        type: 'http',
        scheme: 'bearer',
        bearerFormat: 'JWT',
        description: 'A Logto access token for this API (RFC 9068 JWT), sent as `Authorization: Bearer <token>`.',
      },
      name,
    )
    .addSecurityRequirements(name);
}
