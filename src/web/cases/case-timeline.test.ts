import { describe, expect, it } from 'vitest';
import type { TimelineEntry } from '../lib/types.js';
import { describeEntry, type Names } from './case-timeline.js';

const names: Names = { agent: () => 'Ava', team: () => 'Support', category: (key) => String(key) };
const entry = (type: string, data: Record<string, unknown> = {}): TimelineEntry => ({
  id: '0190a000-0000-7000-8000-000000000000',
  type,
  actorId: null,
  actorName: null,
  actorKind: 'user',
  occurredAt: '2026-12-05T09:00:00.000Z',
  data,
});

describe('the case timeline in words', () => {
  it('says what the portal, the web form, calls and ratings did, not their event names', () => {
    const lines = [
      entry('case.attachments_added', { attachments: ['a', 'b'] }),
      entry('case.web_form_received', { newCustomer: true, joined: false }),
      entry('case.contact_joined', { channel: 'email', subject: 'Where is my parcel?' }),
      entry('case.conversation_logged', { channel: 'phone', messages: 1 }),
      entry('case.imported', { messages: 3 }),
      entry('case.rated', { rating: 4, comment: 'Quick' }),
      entry('case.rating_changed', { changes: { rating: { from: 4, to: 2 } } }),
      entry('case.deleted'),
      entry('case.restored'),
    ].map((e) => describeEntry(e, names));
    expect(lines).toEqual([
      ['Sent 2 files with the request'],
      ['The web form brought this request from a new customer'],
      ['The customer wrote in by e-mail; it joined this case: “Where is my parcel?”'],
      ['Logged a phone conversation (1 message)'],
      ['Imported with 3 messages'],
      ['Rated 4 of 5: “Quick”'],
      ['Changed the rating to 2 of 5'],
      ['Deleted the case'],
      ['Restored the case'],
    ]);
  });

  it('reads a type it has no words for as words', () => {
    expect(describeEntry(entry('case.something_new'), names)).toEqual(['Something new']);
  });
});
