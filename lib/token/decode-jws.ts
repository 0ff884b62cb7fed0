import { LogtoAuthException } from '../errors/logto-auth.exception';
import { hasDuplicateMemberNames } from './duplicate-json-members';

export interface DecodedJws {
  readonly header: Readonly<Record<string, unknown>>;
  readonly payload: Readonly<Record<string, unknown>>;
}

// RFC 7515 §2 / §7.1: base64url without padding; the signature of an asymmetric JWS is never empty.
const BASE64URL = /^[A-Za-z0-9_-]+$/;
const strictUtf8 = new TextDecoder('utf-8', { fatal: true });

/**
 * Splits a JWS compact serialization and parses header and payload, without verifying anything.
 * Only shape is judged here; what the fields say is judged by the access-token rules.
 */
export function decodeJws(token: string): DecodedJws {
  const parts = token.split('.');
  if (parts.length === 1) throw new LogtoAuthException('opaque_token');
  if (parts.length === 5) throw new LogtoAuthException('encrypted_token');
  if (parts.length !== 3 || !parts.every(isCanonicalBase64Url)) {
    throw new LogtoAuthException('malformed_token');
  }
  return { header: parseJsonObject(parts[0]), payload: parseJsonObject(parts[1]) };
}

const ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_';
// The bits the last character carries beyond the data, by length % 4 (1 is never a whole number of bytes).
const SPARE_BITS_MASK = [0, -1, 0b1111, 0b11];

// RFC 4648 §3.5: unused trailing bits must be zero. Without this, several strings decode to the same
// bytes, so one signed token would have many spellings (and a verifier would accept all of them).
function isCanonicalBase64Url(part: string): boolean {
  const mask = SPARE_BITS_MASK[part.length % 4];
  return BASE64URL.test(part) && mask !== -1 && (ALPHABET.indexOf(part.charAt(part.length - 1)) & mask) === 0;
}

function parseJsonObject(segment: string): Record<string, unknown> {
  let text: string;
  let value: unknown;
  try {
    text = strictUtf8.decode(Buffer.from(segment, 'base64url'));
    value = JSON.parse(text);
  } catch {
    throw new LogtoAuthException('malformed_token');
  }
  if (value === null || typeof value !== 'object' || Array.isArray(value)) {
    throw new LogtoAuthException('malformed_token');
  }
  // RFC 7515 §5.2 / RFC 7519 §4: duplicate member names are refused, not resolved last-wins.
  if (hasDuplicateMemberNames(text)) throw new LogtoAuthException('malformed_token');
  return value as Record<string, unknown>;
}
