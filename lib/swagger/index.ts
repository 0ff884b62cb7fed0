// `nestjs-logto/swagger`: the only entry point that loads @nestjs/swagger (an optional peer dependency).
export { addLogtoBearerAuth, LOGTO_SECURITY_SCHEME } from './logto-bearer-auth.util';
export { createLogtoSwaggerDocument } from './logto-swagger-document.util';
