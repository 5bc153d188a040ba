import { describe, expect, it } from 'vitest';
import { rovingTarget } from './roving.js';

describe('rovingTarget', () => {
  it('moves right and left and wraps at both ends', () => {
    expect(rovingTarget({ key: 'ArrowRight' }, 0, 3)).toBe(1);
    expect(rovingTarget({ key: 'ArrowRight' }, 2, 3)).toBe(0);
    expect(rovingTarget({ key: 'ArrowLeft' }, 1, 3)).toBe(0);
    expect(rovingTarget({ key: 'ArrowLeft' }, 0, 3)).toBe(2);
  });

  it('leaves up and down to the page unless the group is vertical too', () => {
    expect(rovingTarget({ key: 'ArrowDown' }, 0, 2)).toBeUndefined();
    expect(rovingTarget({ key: 'ArrowDown' }, 0, 2, { vertical: true })).toBe(1);
    expect(rovingTarget({ key: 'ArrowUp' }, 0, 2, { vertical: true })).toBe(1);
    expect(rovingTarget({ key: 'ArrowUp' }, 1, 2, { vertical: true })).toBe(0);
  });

  it('goes to the first and last item with Home and End only when asked', () => {
    expect(rovingTarget({ key: 'Home' }, 2, 4)).toBeUndefined();
    expect(rovingTarget({ key: 'Home' }, 2, 4, { homeEnd: true })).toBe(0);
    expect(rovingTarget({ key: 'End' }, 0, 4, { homeEnd: true })).toBe(3);
  });

  it('starts from the first or last item when nothing is current', () => {
    expect(rovingTarget({ key: 'ArrowRight' }, -1, 3)).toBe(0);
    expect(rovingTarget({ key: 'ArrowLeft' }, -1, 3)).toBe(2);
    expect(rovingTarget({ key: 'ArrowRight' }, 7, 3)).toBe(0);
  });

  it('ignores keys with a modifier, other keys and an empty group', () => {
    expect(rovingTarget({ key: 'ArrowRight', altKey: true }, 0, 3)).toBeUndefined();
    expect(rovingTarget({ key: 'ArrowRight', ctrlKey: true }, 0, 3)).toBeUndefined();
    expect(rovingTarget({ key: 'ArrowRight', metaKey: true }, 0, 3)).toBeUndefined();
    expect(rovingTarget({ key: 'Enter' }, 0, 3)).toBeUndefined();
    expect(rovingTarget({ key: 'ArrowRight' }, 0, 0)).toBeUndefined();
  });
});
