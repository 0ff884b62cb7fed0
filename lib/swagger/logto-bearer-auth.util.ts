import type { DocumentBuilder } from '@nestjs/swagger';

/** The name of the security scheme `addLogtoBearerAuth` adds, unless told otherwise. */
export const LOGTO_SECURITY_SCHEME = 'logto';

/**
 * Adds the Logto bearer scheme (`http`, `bearer`, JWT) to a `DocumentBuilder` and requires it on every
 * operation; `createLogtoSwaggerDocument` then lifts it from `@Public()` handlers.
 *
 * @example
 * const config = addLogtoBearerAuth(new DocumentBuilder().setTitle('Documents API')).build();
 */
export function addLogtoBearerAuth(builder: DocumentBuilder, name = LOGTO_SECURITY_SCHEME): DocumentBuilder {
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
