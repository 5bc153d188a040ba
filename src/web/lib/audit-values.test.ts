import { describe, expect, it } from 'vitest';
import { formatDateTime } from './format.js';
import { auditValue } from './audit-values.js';

describe('audit log values', () => {
  it.each([
    [null, '—'],
    [undefined, '—'],
    [true, 'yes'],
    [false, 'no'],
    ['agent', 'agent'],
    [12, '12'],
    [{ reason: 'spam' }, 'Reason: spam'],
    // Not a time the API writes: left as it is.
    ['2026-12-08', '2026-12-08'],
    ['2026-12-08T13:00:00+01:00', '2026-12-08T13:00:00+01:00'],
  ])('%j → %s', (value, want) => {
    expect(auditValue(value)).toBe(want);
  });

  it.each([
    ['on_hold', 'status', 'on hold'],
    ['side_conversation', 'reason', 'side conversation'],
    ['open', 'status', 'open'],
    ['ava@steward.demo', 'to', 'ava@steward.demo'],
    [['claims@ups.example', 'ops@ups.example'], 'to', 'claims@ups.example, ops@ups.example'],
    [[], 'tags', '—'],
    [[1, 2], 'ids', '[1,2]'],
    // Minutes as formatMinutes writes them: each number bound to its unit by a no-break space.
    [960, 'targetMinutes', '16\u00a0h'],
    [90, 'warnMinutes', '1\u00a0h 30\u00a0min'],
    [960, 'count', '960'],
  ])('%j (%s) → %s', (value, field, want) => {
    expect(auditValue(value, field)).toBe(want);
  });

  it('writes an API time as the When column does, not as ISO 8601', () => {
    const iso = '2026-12-08T13:00:00.000Z';
    expect(auditValue(iso)).toBe(formatDateTime(iso));
    expect(auditValue(iso)).not.toContain('T13:00');
  });
});
