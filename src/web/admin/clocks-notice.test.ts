import { describe, expect, it } from 'vitest';
import { clocksNotice } from './clocks-notice.js';

describe('clocksNotice', () => {
  it.each([
    [{ recomputedClocks: 0 }, 'Agreement saved.'],
    [
      { recomputedClocks: 1 },
      'Agreement saved; 1 running promise clock of open cases now follows the new terms.',
    ],
    [
      { recomputedClocks: 15 },
      'Agreement saved; 15 running promise clocks of open cases now follow the new terms.',
    ],
    [
      { recomputedClocks: 12000 },
      'Agreement saved; 12,000 running promise clocks of open cases now follow the new terms.',
    ],
    [
      { recomputedClocks: 1, pastDueClocks: 1 },
      'Agreement saved; 1 running promise clock of open cases now follows the new terms, and it is past its new due time: it is recorded as breached.',
    ],
    [
      { recomputedClocks: 15, pastDueClocks: 1 },
      'Agreement saved; 15 running promise clocks of open cases now follow the new terms, and 1 of them is past its new due time: it is recorded as breached.',
    ],
    [
      { recomputedClocks: 15000, pastDueClocks: 1200 },
      'Agreement saved; 15,000 running promise clocks of open cases now follow the new terms, and 1,200 of them are past their new due time: they are recorded as breached.',
    ],
    [
      { recomputedClocks: 15, pastDueClocks: 0 },
      'Agreement saved; 15 running promise clocks of open cases now follow the new terms.',
    ],
    [{ name: 'no count' }, 'Agreement saved.'],
    [undefined, 'Agreement saved.'],
    [null, 'Agreement saved.'],
    [{ recomputedClocks: 'many' }, 'Agreement saved.'],
  ])('%j', (answer, notice) => {
    expect(clocksNotice('Agreement saved', answer)).toBe(notice);
  });
});
