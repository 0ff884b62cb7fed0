import { describe, expect, it } from 'vitest';
import { DEFAULT_ALGORITHMS, SUPPORTED_ALGORITHMS } from '../../lib';

describe('module constants', () => {
  it('cannot be widened at run time', () => {
    expect(() => (DEFAULT_ALGORITHMS as string[]).push('HS256')).toThrow(TypeError);
    expect(() => (SUPPORTED_ALGORITHMS as unknown as string[]).push('none')).toThrow(TypeError);
  });
});
