import { describe, expect, it } from 'vitest';
import { viewSummary, type SummaryNames } from './view-summary.js';

const names: SummaryNames = {
  agent: (id) => ({ a1: 'Ava Agent' })[id],
  team: (id) => ({ t1: 'Billing' })[id],
  category: (key) => ({ late_delivery: 'Late delivery' })[key],
  field: (key) => ({ carrier: 'Carrier' })[key],
};

describe('a view in words', () => {
  it('names every filter in the editor’s order, with the labels people see', () => {
    expect(
      viewSummary(
        {
          status: ['new', 'on_hold'],
          priority: ['urgent'],
          channel: ['email', 'proactive'],
          category: ['late_delivery', 'gone'],
          assigneeId: 'a1',
          teamId: 't1',
          promise: 'at_risk',
          tags: ['vip', 'refund'],
          fields: ['carrier:Boxly', 'parcels:'],
        },
        names,
      ),
    ).toEqual([
      'New, On hold',
      'Urgent',
      'E-mail, Proactive',
      'Late delivery, gone',
      'assigned to Ava Agent',
      'team Billing',
      'promises at risk',
      'tagged vip, refund',
      'Carrier: Boxly',
      'parcels not set',
    ]);
  });

  it('says me, nobody, no team and unknown ids plainly; a view of every case has no parts', () => {
    expect(viewSummary({ assigneeId: 'me', teamId: 'none' }, names)).toEqual(['assigned to me', 'no team']);
    expect(viewSummary({ assigneeId: 'none', teamId: 'x', promise: 'breached' }, names)).toEqual([
      'unassigned',
      'team (removed)',
      'promises breached',
    ]);
    expect(viewSummary({ assigneeId: 'zz', customerId: 'c' }, names)).toEqual([
      'assigned to an agent',
      'one customer',
    ]);
    expect(viewSummary({}, names)).toEqual([]);
  });
});
