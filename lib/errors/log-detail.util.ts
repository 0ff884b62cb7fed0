const MAX_QUOTED_LENGTH = 200;

/**
 * Why a token's issuer was refused, for the server's debug log: what the token says and what this API
 * trusts, so `localhost` vs `127.0.0.1` or a missing `/oidc` shows at a glance. Never sent to the client:
 * it would tell a caller which issuers to forge (RFC 6750 §3 leaves the description to the server).
 */
export function untrustedIssuerDetail(iss: unknown, trusted: readonly string[]): string {
  const given = typeof iss === 'string' ? quote(iss) : iss === undefined ? 'absent' : `not a string (${iss === null ? 'null' : typeof iss})`;
  return `token iss ${given}; trusted: ${trusted.map(quote).join(', ')}`;
}

// The claim comes from an unverified token: printable ASCII only and bounded, so it cannot forge log lines.
function quote(value: string): string {
  const printable = value.replace(/[^\x20-\x7e]/g, (char) => `\\u${char.charCodeAt(0).toString(16).padStart(4, '0')}`);
  const shown = printable.length > MAX_QUOTED_LENGTH ? `${printable.slice(0, MAX_QUOTED_LENGTH)}...` : printable;
  return `"${shown.replace(/"/g, '\\"')}"`;
}
