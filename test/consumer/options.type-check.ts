// Copied into each consumer app: compiled by the app's own tsc against the published typings
// (skipLibCheck: false). Never imported by main.ts, so never run.
import { LogtoAuthModule } from 'nestjs-logto';

export const refused = () =>
  LogtoAuthModule.forRoot({
    endpoint: 'https://my-tenant.logto.app',
    audience: 'https://api.example.com',
    // @ts-expect-error HMAC is not a supported algorithm name (RFC 8725 §3.2): a compile error, not only a start-up one
    algorithms: ['HS256'],
  });

export const accepted = () =>
  LogtoAuthModule.forRoot({ endpoint: 'https://my-tenant.logto.app', audience: 'https://api.example.com', algorithms: ['ES384', 'RS256'] });
