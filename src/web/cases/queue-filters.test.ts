import { describe, expect, it } from 'vitest';
import type { CaseViewFilters } from '../../shared/schemas/views.js';
import { withQuery } from '../lib/api.js';
import { filterQuery, filtersFromParams, hasFilters } from './queue-filters.js';

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
