import { describe, expect, it } from 'vitest';
import type { CaseViewFilters } from '../../shared/schemas/views.js';
import { withQuery } from '../lib/api.js';
import {
  awaitingLabel,
  withoutAwaiting,
  promiseClockLabel,
  segmentLabel,
  solvedLabel,
  withoutPromiseClock,
  withoutSegment,
  withoutSolved,
} from './promise-filter-labels.js';
import { filterQuery, filtersFromParams, hasFilters } from './queue-filters.js';
import { FILTERS_NOT_EDITED, keptFiltersNote } from './kept-filters.js';

describe('a queue’s filters in its address', () => {
  const filters: CaseViewFilters = {
    status: ['new', 'open'],
    priority: ['urgent'],
    category: ['late_delivery'],
    channel: ['email', 'proactive'],
    assigneeId: 'me',
    teamId: 'none',
    promise: 'at_risk',
    tags: ['vip', 'refund'],
    fields: ['carrier:Boxly', 'parcels:'],
  };

  it('writes them as the case list’s query: lists comma-separated, case fields repeated', () => {
    expect(withQuery('/cases', filterQuery(filters))).toBe(
      '/cases?status=new%2Copen&priority=urgent&category=late_delivery&channel=email%2Cproactive' +
        '&assigneeId=me&teamId=none&promise=at_risk&tag=vip%2Crefund&field=carrier%3ABoxly&field=parcels%3A',
    );
    expect(filterQuery({})).toEqual({});
  });

  it('the Workload page’s longest wait: awaitingReply=true, read back, said and dropped alone', () => {
    const awaiting: CaseViewFilters = { teamId: 'none', assigneeId: 'me', awaitingReply: true };
    const query = filterQuery(awaiting);
    expect(query).toEqual({ teamId: 'none', assigneeId: 'me', awaitingReply: 'true' });
    expect(filtersFromParams(new URLSearchParams(query as Record<string, string>))).toEqual(awaiting);
    expect(filtersFromParams(new URLSearchParams('awaitingReply=false'))).toEqual({});
    expect(awaitingLabel(awaiting)).toBe('Awaiting our reply');
    expect(awaitingLabel(filters)).toBeUndefined();
    expect(withoutAwaiting(awaiting)).toEqual({ teamId: 'none', assigneeId: 'me' });
    // Not in the filter form: kept, and the form says so in words.
    expect(FILTERS_NOT_EDITED).toContain('awaitingReply');
    expect(keptFiltersNote(awaiting, (iso) => iso)).toBe(
      'It also shows only cases awaiting our reply, and keeps that.',
    );
  });

  it('names every filter the form keeps without showing it, and none it shows', () => {
    const time = (iso: string) => iso.slice(0, 16).replace('T', ' ');
    expect(keptFiltersNote(filters, time)).toBeUndefined();
    expect(keptFiltersNote({ promiseKind: 'resolution', segment: 'gold' }, time)).toBeUndefined();
    expect(
      keptFiltersNote(
        {
          ...filters,
          customerId: '0198f2a4-0000-7000-8000-000000000001',
          awaitingReply: true,
          solvedFrom: '2026-12-05T23:00:00.000Z',
          solvedTo: '2026-12-06T23:00:00.000Z',
        },
        time,
      ),
    ).toBe(
      'It also shows only cases of one customer (set through the API), awaiting our reply and solved 2026-12-05 23:00 – 2026-12-06 23:00, and keeps that.',
    );
    expect(keptFiltersNote({ organizationId: '0198f2a4-0000-7000-8000-000000000002' }, time)).toBe(
      'It also shows only cases of one organization (set through the API), and keeps that.',
    );
    expect([...FILTERS_NOT_EDITED].sort()).toEqual(
      [
        'customerId',
        'organizationId',
        'awaitingReply',
        'solvedFrom',
        'solvedTo',
        'promiseKind',
        'promiseAgreementId',
        'promiseOutcome',
        'decidedFrom',
        'decidedTo',
        'segment',
      ].sort(),
    );
  });

  it('reads back what it wrote, and nothing from other parameters', () => {
    const address = new URL(
      `http://x${withQuery('/cases', { view: 'filtered', q: 'parcel', sort: 'createdAt', ...filterQuery(filters) })}`,
    );
    expect(filtersFromParams(address.searchParams)).toEqual(filters);
    expect(filtersFromParams(new URLSearchParams('view=abc&q=late&sort=createdAt&field=nocolon'))).toEqual(
      {},
    );
    expect(filtersFromParams(new URLSearchParams('status=,open, &tag='))).toEqual({ status: ['open'] });
  });

  it('knows an empty set of filters', () => {
    expect(hasFilters({})).toBe(false);
    expect(hasFilters({ promise: 'breached' })).toBe(true);
  });
});

describe('the promise clock and segment filters of the KPI page’s links', () => {
  const filters: CaseViewFilters = {
    teamId: 'none',
    promiseKind: 'resolution',
    promiseAgreementId: '00000000-0000-4000-8000-000000000001',
    promiseOutcome: 'breached',
    decidedFrom: '2026-03-01T00:00:00.000Z',
    decidedTo: '2026-03-08T00:00:00.000Z',
    segment: '_none',
  };

  it('keeps them in the address under the list’s names, and reads them back', () => {
    const query = filterQuery(filters);
    expect(query).toEqual({ ...filters });
    const address = new URL(`http://x${withQuery('/cases', { view: 'filtered', ...query })}`);
    expect(filtersFromParams(address.searchParams)).toEqual(filters);
  });

  it('says what they narrow the list to, and drops them one chip at a time', () => {
    const names = {
      agreement: (id: string) => (id === filters.promiseAgreementId ? 'PSA Gold' : undefined),
      segment: (key: string) => (key === 'gold' ? 'Gold' : undefined),
      date: (iso: string) => iso.slice(0, 10),
    };
    expect(promiseClockLabel(filters, names)).toBe(
      'Resolution promises breached, decided 2026-03-01 – 2026-03-08, agreement PSA Gold',
    );
    expect(promiseClockLabel({ promiseOutcome: 'overdue' }, names)).toBe('Promises overdue now');
    // A period alone: decided in it.
    expect(promiseClockLabel({ decidedFrom: filters.decidedFrom }, names)).toBe(
      'Promises met or breached, decided since 2026-03-01',
    );
    expect(promiseClockLabel({ promiseKind: 'first_response' }, names)).toBe('First response promises');
    expect(promiseClockLabel({ teamId: 'none' }, names)).toBeUndefined();
    expect(segmentLabel(filters, names)).toBe('No segment');
    expect(segmentLabel({ segment: 'gold' }, names)).toBe('Segment: Gold');
    expect(withoutPromiseClock(filters)).toEqual({ teamId: 'none', segment: '_none' });
    expect(withoutSegment(withoutPromiseClock(filters))).toEqual({ teamId: 'none' });
  });

  it('carries the Workload page’s solved period, says it in words and drops it alone', () => {
    const solved: CaseViewFilters = {
      teamId: 'none',
      assigneeId: 'none',
      solvedFrom: '2026-12-05T23:00:00.000Z',
      solvedTo: '2026-12-06T23:00:00.000Z',
    };
    const address = new URL(`http://x${withQuery('/cases', { view: 'filtered', ...filterQuery(solved) })}`);
    expect(filtersFromParams(address.searchParams)).toEqual(solved);
    const time = (iso: string) => iso.slice(0, 16).replace('T', ' ');
    expect(solvedLabel(solved, time)).toBe('Solved 2026-12-05 23:00 – 2026-12-06 23:00');
    expect(solvedLabel({ solvedFrom: solved.solvedFrom }, time)).toBe('Solved since 2026-12-05 23:00');
    expect(solvedLabel({ teamId: 'none' }, time)).toBeUndefined();
    expect(withoutSolved(solved)).toEqual({ teamId: 'none', assigneeId: 'none' });
  });
});
