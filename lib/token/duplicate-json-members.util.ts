const QUOTE = 0x22;
const BACKSLASH = 0x5c;
const OPEN_OBJECT = 0x7b;
const CLOSE_OBJECT = 0x7d;
const OPEN_ARRAY = 0x5b;
const CLOSE_ARRAY = 0x5d;
const COMMA = 0x2c;

/** One open container: an object remembers its member names and whether a name comes next. */
interface Frame {
  readonly names?: Set<string>;
  expectName: boolean;
}

/**
 * True when any object in `json` names a member twice, at any depth. RFC 7515 §5.2 and RFC 7519 §4:
 * a JWS header or claims set with duplicate names must be rejected (or last-wins parsed, which lets
 * two parsers disagree about what a token says). One pass over the text, so linear in its length.
 * Names are compared after unescaping: `"alg"` and `"\u0061lg"` are the same name.
 *
 * `json` must already have been accepted by `JSON.parse`; this scan only tracks structure.
 */
export function hasDuplicateMemberNames(json: string): boolean {
  const stack: Frame[] = [];
  for (let i = 0; i < json.length; i++) {
    const char = json.charCodeAt(i);
    const top = stack[stack.length - 1];
    if (char === QUOTE) {
      const end = endOfString(json, i);
      if (top?.names && top.expectName) {
        const raw = json.slice(i + 1, end);
        const name = raw.includes('\\') ? (JSON.parse(`"${raw}"`) as string) : raw;
        if (top.names.has(name)) return true;
        top.names.add(name);
        top.expectName = false;
      }
      i = end;
    } else if (char === OPEN_OBJECT) {
      stack.push({ names: new Set(), expectName: true });
    } else if (char === OPEN_ARRAY) {
      stack.push({ expectName: false });
    } else if (char === CLOSE_OBJECT || char === CLOSE_ARRAY) {
      stack.pop();
    } else if (char === COMMA && top?.names) {
      top.expectName = true;
    }
  }
  return false;
}

/** Index of the quote that closes the string opening at `start`. */
function endOfString(json: string, start: number): number {
  let i = start + 1;
  while (i < json.length && json.charCodeAt(i) !== QUOTE) i += json.charCodeAt(i) === BACKSLASH ? 2 : 1;
  return i;
}
