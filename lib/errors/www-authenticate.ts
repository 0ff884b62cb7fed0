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
    params.push(`error="${rule.bearerError}"`, `error_description="${rule.description}"`);
  }
  if (details.requiredScopes?.length) params.push(`scope="${details.requiredScopes.join(' ')}"`);
  return { 'WWW-Authenticate': `Bearer ${params.join(', ')}` };
}
