import { describe, expect, it } from 'vitest';
import { EVENT_LIMITS, dataProblem } from './events.js';

const LIMIT = EVENT_LIMITS.dataBytes;
/** The JSON of {"t":"<s>"} is 8 bytes besides the string's own. */
const withText = (s: string) => ({ t: s });

describe('dataProblem', () => {
  it('counts UTF-8 bytes, not UTF-16 units, at the size limit', () => {
    // 'é' is 2 bytes, '€' 3, '😀' 4 (two UTF-16 units).
    for (const [char, bytes] of [
      ['x', 1],
      ['é', 2],
      ['€', 3],
      ['😀', 4],
    ] as const) {
      const fits = Math.floor((LIMIT - 8) / bytes);
      expect(dataProblem(withText(char.repeat(fits))), char).toBeNull();
      expect(dataProblem(withText(char.repeat(fits + 1))), char).toBe(
        `must be at most ${LIMIT} bytes as JSON (is ${8 + (fits + 1) * bytes})`,
      );
    }
  });

  it('finds bad text in nested values and keys, and too deep nesting', () => {
    expect(dataProblem({ a: [{ b: ['ok', 'nul\u0000'] }] })).toMatch(/NUL characters/);
    expect(dataProblem({ a: { ['k\u0000']: 1 } })).toMatch(/^keys must not/);
    expect(dataProblem({ a: 'lone \uD800 surrogate' })).toMatch(/unpaired surrogates/);
    expect(dataProblem({ a: 'pair \uD83D\uDE00 fine' })).toBeNull();
    let deep: Record<string, unknown> = { leaf: 1 };
    for (let i = 0; i < EVENT_LIMITS.dataDepth - 1; i++) deep = { d: deep };
    expect(dataProblem(deep)).toBeNull();
    expect(dataProblem({ d: deep })).toBe(`must not be nested deeper than ${EVENT_LIMITS.dataDepth}`);
    expect(dataProblem({ list: [null, 1, true, { x: [] }], n: null })).toBeNull();
  });
});
