// The audit log in words: event codes, record kinds, field names and a change's values, as the
// page and the CSV file write them.
import { describe, expect, it } from 'vitest';
import {
  auditValue,
  changeLines,
  changeText,
  eventLabel,
  fieldLabel,
  idsInChange,
  segmentKeysInChange,
  recordKindLabel,
} from './audit-text.js';
import { DOMAIN_EVENT_TYPES } from './schemas/audit.js';

const AVA = '0190a1b2-0000-7000-8000-000000000001';
const BEN = '0190a1b2-0000-7000-8000-000000000002';
const GONE = '0190a1b2-0000-7000-8000-0000000000ff';
const opts = { time: (iso: string) => `T(${iso})`, names: { [AVA]: 'Ava Agent', [BEN]: 'Ben Lee' } };

describe('event codes and record kinds in words', () => {
  it.each([
    ['case.updated', 'Case updated'],
    ['case.promise_breached', 'Case promise breached'],
    ['api_token.revoked', 'API token revoked'],
    ['rule.enabled', 'Signal rule enabled'],
    ['auth.magic_link_requested', 'Sign-in magic link requested'],
    ['kb_article.draft_saved', 'Knowledge base article draft saved'],
    ['export.downloaded', 'Export downloaded'],
    ['oddity', 'Oddity'],
  ])('%s → %s', (type, words) => expect(eventLabel(type)).toBe(words));

  it('has words, not codes, for every event type Steward records', () => {
    for (const type of DOMAIN_EVENT_TYPES) {
      const words = eventLabel(type);
      expect(words, type).not.toMatch(/[._]/);
      expect(words[0], type).toBe(words[0]!.toUpperCase());
    }
  });

  it.each([
    ['signal_rule', 'Signal rule'],
    ['customer_field', 'Customer field'],
    ['api_token', 'API token'],
    ['case', 'Case'],
  ])('record kind %s → %s', (kind, words) => expect(recordKindLabel(kind)).toBe(words));

  it.each([
    ['assigneeId', 'Assignee'],
    ['memberIds', 'Members'],
    ['organizationAccess', 'Organization access'],
    ['id', 'Id'],
    ['email', 'Email'],
    ['targetMinutes', 'Target minutes'],
    ['externalId', 'External ID'],
  ])('field %s → %s', (field, words) => expect(fieldLabel(field)).toBe(words));
});

describe('values', () => {
  it.each([
    [null, '—'],
    [true, 'yes'],
    ['on_hold', 'on hold'],
    [AVA, 'Ava Agent'],
    [AVA.toUpperCase(), 'Ava Agent'],
    [GONE, GONE],
    [[AVA, BEN], 'Ava Agent, Ben Lee'],
    [[AVA, GONE], `Ava Agent, ${GONE}`],
    ['2026-12-08T13:00:00.000Z', 'T(2026-12-08T13:00:00.000Z)'],
    [{ reason: 'spam' }, 'Reason: spam'],
    [{ contract_tier: 'gold', owner: AVA, seats: 12 }, 'Contract tier: gold, Owner: Ava Agent, Seats: 12'],
    [{}, '—'],
    [[], '—'],
    [[1, 2], '[1,2]'],
  ])('%j → %s', (value, words) => expect(auditValue(value, 'x', opts)).toBe(words));

  it('writes minutes as a span, without digit grouping', () => {
    expect(auditValue(90, 'warnMinutes', opts)).toBe('1 h 30 min');
    expect(auditValue(60 * 1500, 'targetMinutes', opts)).toBe('1500 h');
    expect(auditValue(45, 'targetMinutes', opts)).toBe('45 min');
    expect(auditValue(90, 'count', opts)).toBe('90');
  });
});

describe('a change', () => {
  const update = {
    changes: {
      status: { from: 'open', to: 'solved' },
      assigneeId: { from: AVA, to: BEN },
      memberIds: { from: [AVA], to: [AVA, BEN] },
    },
    reason: 'merged',
  };

  it('as lines: the changed fields from → to, then the other data', () => {
    expect(changeLines(update, opts)).toEqual([
      { key: 'changed-status', label: 'Status', text: 'open → solved' },
      { key: 'changed-assigneeId', label: 'Assignee', text: 'Ava Agent → Ben Lee' },
      { key: 'changed-memberIds', label: 'Members', text: 'Ava Agent → Ava Agent, Ben Lee' },
      { key: 'reason', label: 'Reason', text: 'merged' },
    ]);
  });

  it('as one line of text for a CSV cell', () => {
    expect(changeText(update, opts)).toBe(
      'Status: open → solved; Assignee: Ava Agent → Ben Lee; Members: Ava Agent → Ava Agent, Ben Lee; Reason: merged',
    );
    expect(changeText({}, opts)).toBe('');
    expect(changeText({ list: 'audit-log', rows: 2 }, opts)).toBe('List: audit-log; Rows: 2');
    // A record's own words for its fields win.
    expect(changeText({ domains: ['a.example'] }, { ...opts, labels: { domains: 'E-mail domains' } })).toBe(
      'E-mail domains: a.example',
    );
  });

  it('names the ids it shows, each once, for the one query a page makes', () => {
    expect(idsInChange(update).sort()).toEqual([AVA, BEN].sort());
    // An object's fields are shown, so its ids are named too.
    expect(idsInChange({ customerId: GONE, note: 'not an id', nested: { id: AVA } })).toEqual([GONE, AVA]);
  });

  it('names a segment by its name, under segment:<key>, since segments are referred to by key', () => {
    const change = { changes: { segment: { from: 'key_account', to: 'retail' } }, scopeSegment: 'retail' };
    expect(segmentKeysInChange(change)).toEqual(['key_account', 'retail']);
    expect(segmentKeysInChange({ note: 'retail', changes: { name: { from: 'a', to: 'b' } } })).toEqual([]);
    const names = { 'segment:key_account': 'Key accounts', 'segment:retail': 'Retail shops' };
    expect(changeText(change, { ...opts, names })).toBe(
      'Segment: Key accounts → Retail shops; Scope segment: Retail shops',
    );
    // A segment gone keeps its key, not a code in words.
    expect(changeText({ segment: 'key_account' }, opts)).toBe('Segment: key_account');
  });
});
