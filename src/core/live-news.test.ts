import { describe, expect, it } from 'vitest';
import { LIVE_CASES_MAX } from '../shared/schemas/live.js';
import { newsFor, type LiveWindow, type Viewer, type WindowChange } from './live-news.js';

const staff: Viewer = { staff: true, userId: 'ava', mayRead: () => true };
// A customer who reads the cases of customer c1 (and, with organization access, of organization o1).
const customer = (orgAccess = false): Viewer => ({
  staff: false,
  userId: 'cora',
  mayRead: (c) => c.customerVisible && (c.customerId === 'c1' || (orgAccess && c.organizationId === 'o1')),
});

const kase = (id: string, o: Partial<WindowChange> = {}): WindowChange => ({
  entityType: 'case',
  entityId: id,
  public: true,
  customerId: 'c1',
  organizationId: 'o1',
  customerVisible: true,
  ...o,
});
const other = (entityType: string): WindowChange => ({ ...kase('x'), entityType, customerId: null });
const window = (changes: WindowChange[], notified: string[] = [], overflow = false): LiveWindow => ({
  changes,
  notified: new Set(notified),
  overflow,
});

describe('newsFor', () => {
  it('tells staff of every case, signal, commitment, event source and their own notifications', () => {
    expect(
      newsFor(
        staff,
        window(
          [
            kase('k1', { public: false, customerVisible: false }),
            other('signal'),
            other('commitment'),
            other('event_source'),
          ],
          ['ava'],
        ),
      ),
    ).toEqual({
      cases: ['k1'],
      allCases: false,
      signals: true,
      commitments: true,
      sources: true,
      notifications: true,
    });
    expect(newsFor(staff, window([other('signal')]))).toMatchObject({
      signals: true,
      commitments: false,
      sources: false,
    });
    expect(newsFor(staff, window([], ['ben']))).toBeNull();
    expect(newsFor(staff, window([other('customer')]))).toBeNull();
  });

  it('tells a customer of public changes to cases they may read, and nothing else', () => {
    const cora = customer();
    const cases = (changes: WindowChange[]) => newsFor(cora, window(changes, ['cora']))?.cases ?? null;
    expect(cases([kase('k1')])).toEqual(['k1']);
    expect(cases([kase('k1', { public: false })])).toBeNull(); // an internal note
    expect(cases([kase('k1', { customerVisible: false })])).toBeNull(); // a proactive case not yet spoken of
    expect(cases([kase('k2', { customerId: 'c2', organizationId: 'o2' })])).toBeNull();
    expect(cases([kase('k3', { customerId: 'c2' })])).toBeNull(); // a colleague's, without access
    expect(newsFor(customer(true), window([kase('k3', { customerId: 'c2' })]))?.cases).toEqual(['k3']);
    expect(
      newsFor(cora, window([other('signal'), other('commitment'), other('event_source')], ['cora'])),
    ).toBeNull();
  });

  it('says "everything" instead of too many cases, and after an overflow', () => {
    const many = Array.from({ length: LIVE_CASES_MAX + 1 }, (_, i) => kase(`k${i}`));
    expect(newsFor(staff, window(many))).toEqual({
      cases: [],
      allCases: true,
      signals: false,
      commitments: false,
      sources: false,
      notifications: false,
    });
    expect(newsFor(staff, window(many.slice(1)))?.cases).toHaveLength(LIVE_CASES_MAX);
    expect(newsFor(staff, window([], [], true))).toEqual({
      cases: [],
      allCases: true,
      signals: true,
      commitments: true,
      sources: true,
      notifications: true,
    });
    expect(newsFor(customer(), window([], [], true))).toEqual({
      cases: [],
      allCases: true,
      signals: false,
      commitments: false,
      sources: false,
      notifications: false,
    });
  });
});
