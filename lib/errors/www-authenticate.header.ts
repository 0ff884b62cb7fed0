import { LogtoAuthException } from './logto-auth.exception';

/**
 * The response headers that go with a refusal: the RFC 6750 §3 Bearer challenge on 401 and 403,
 * `Retry-After` on 503. Every value put in quotes is either validated at start-up (realm, scopes)
 * or a fixed sentence from the failure table, so no escaping is needed.
 */
export function challengeHeaders(exception: LogtoAuthException, realm: string): Record<string, string> {
  const { rule, details } = exception;
  if (details.retryAfterSeconds !== undefined) {
    return { 'Retry-After': String(details.retryAfterSeconds) };
  }
  if (rule.status !== 401 && rule.status !== 403) return {};
  const params = [`realm="${realm}"`];
  if (rule.bearerError) {
    params.push(`error="${rule.bearerError}"`, `error_description="${exception.description}"`);
  }
  // RFC 6750 §3: scope lists what the token needs, so only scopes required each on their own are listed;
  // alternatives (@AnyScope) are in error_description, where "one of" can be said.
  if (details.requiredScopes?.length) params.push(`scope="${details.requiredScopes.join(' ')}"`);
  return { 'WWW-Authenticate': `Bearer ${params.join(', ')}` };
}
