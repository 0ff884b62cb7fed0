import { RouteAuthRules } from '../scopes/route-auth.rules';

// A scope token may contain a backtick (RFC 6749 §3.3); a double-backtick span still shows it verbatim.
const codeSpan = (text: string) => (text.includes('`') ? `\`\` ${text} \`\`` : `\`${text}\``);
const code = (scopes: readonly string[]) => scopes.map(codeSpan).join(', ');

/** The route's requirements as Markdown for an OpenAPI operation description; empty when it has none. */
export function describeRouteAuthRules({ isOptional, allOf, anyOf, organization }: RouteAuthRules): string {
  const lines: string[] = [];
  if (isOptional) lines.push('**Bearer token optional:** without one the operation runs anonymously; an invalid one is refused (401)');
  if (allOf.length > 0) lines.push(`**Requires scopes:** ${code(allOf)}`);
  for (const group of anyOf) lines.push(`**Requires one of the scopes:** ${code(group)}`);
  if (organization?.param !== undefined) {
    lines.push(`**Requires a token for the organization in** ${codeSpan(organization.param)}`);
  } else if (organization) {
    lines.push('**Requires a token for an organization**');
  }
  return lines.join('\n\n');
}
