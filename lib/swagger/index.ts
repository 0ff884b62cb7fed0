// `nestjs-logto/swagger`: the only entry point that loads @nestjs/swagger (an optional peer dependency).
export { addLogtoBearerAuth, LOGTO_SECURITY_SCHEME } from './add-logto-bearer-auth';
export { createLogtoSwaggerDocument } from './create-logto-swagger-document';
