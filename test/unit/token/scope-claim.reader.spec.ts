import { describe, expect, it } from 'vitest';
import { parseScope } from '../../../lib/token/scope-claim.reader';

describe('parseScope', () => {
  it('splits on spaces, drops empties and duplicates', () => {
    expect(parseScope(undefined)).toEqual([]);
    expect(parseScope('')).toEqual([]);
    expect(parseScope(' a  b a ')).toEqual(['a', 'b']);
  });
});
