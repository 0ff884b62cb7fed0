import { describe, expect, it } from 'vitest';
import { hasDuplicateMemberNames } from '../../../lib/token/duplicate-json-members.util';

describe('hasDuplicateMemberNames', () => {
  it.each([
    ['a top-level duplicate', '{"alg":"ES384","alg":"none"}'],
    ['a duplicate spelled with an escape', '{"alg":"ES384","\\u0061lg":"none"}'],
    ['a duplicate after whitespace and nesting', '{ "a" : {"x":1} , "b":[1,{"c":2}], "a" : 2 }'],
    ['a duplicate inside a nested object', '{"a":{"x":1,"y":2,"x":3}}'],
    ['a duplicate inside an object in an array', '{"a":[{"k":1},{"k":1,"k":2}]}'],
    ['a duplicate empty name', '{"":1,"":2}'],
  ])('finds %s', (_, json) => {
    JSON.parse(json); // the precondition: valid JSON
    expect(hasDuplicateMemberNames(json)).toBe(true);
  });

  it.each([
    ['distinct names', '{"alg":"ES384","typ":"at+jwt","kid":"k1"}'],
    ['the same name in sibling objects', '{"a":{"k":1},"b":{"k":2},"c":[{"k":1},{"k":2}]}'],
    ['a name repeated as a string value', '{"a":"a","b":"a","c":["a","a"]}'],
    ['quotes, commas and braces inside strings', '{"a":"x\\",\\"a\\":{","b":"}]","c":"\\\\"}'],
    ['names that only differ by case', '{"Alg":1,"alg":2}'],
    ['an empty object and empty containers', '{"a":{},"b":[],"c":[[],{}]}'],
  ])('accepts %s', (_, json) => {
    JSON.parse(json);
    expect(hasDuplicateMemberNames(json)).toBe(false);
  });

  it('handles a large claims set with many distinct names in one pass', () => {
    const members = Array.from({ length: 50_000 }, (_, i) => `"claim_${i}":${i}`);
    expect(hasDuplicateMemberNames(`{${members.join(',')}}`)).toBe(false);
    expect(hasDuplicateMemberNames(`{${members.join(',')},"claim_0":0}`)).toBe(true);
  });
});
