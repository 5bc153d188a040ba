import { RecordHistory, type DomainEvent } from '../layout/record-history.js';
import type { CustomerMerged } from '../../shared/schemas/customers.js';
import { fieldLabel } from './customer-fields.js';
import { movedSummary } from './merge-customer-dialog.js';

type Changes = Record<string, { from: unknown; to: unknown }>;

function show(value: unknown): string {
  if (value === null || value === undefined || value === '') return 'empty';
  if (typeof value === 'boolean') return value ? 'yes' : 'no';
  if (typeof value === 'object') return JSON.stringify(value);
  return `“${String(value)}”`;
}

function describe(event: DomainEvent): string[] {
  switch (event.type) {
    case 'customer.created':
      return ['Created the customer record'];
    case 'customer.deleted':
      return ['Deleted the customer record'];
    case 'customer.erased':
      return ['Erased the customer’s personal data'];
    case 'customer.merged': {
      const moved = event.data.moved as CustomerMerged['moved'] | undefined;
      return [`Merged a duplicate customer into this one. ${moved ? movedSummary(moved) : ''}`.trim()];
    }
    case 'customer.merged_into':
      return ['Merged this customer into another'];
    case 'customer.personal_data_exported':
      return ['Downloaded the customer’s personal data (a subject-access export)'];
    case 'customer.updated': {
      const changes = (event.data.changes ?? {}) as Changes;
      const lines = Object.entries(changes).map(([field, { from, to }]) =>
        // Ids mean nothing to a reader; the detail page shows the organization's name.
        field === 'organizationId'
          ? 'Changed the organization'
          : `Changed ${fieldLabel(field).toLowerCase()} from ${show(from)} to ${show(to)}`,
      );
      if (event.data.reason === 'organization_merged') {
        lines.push('(a duplicate organization was merged into another)');
      }
      return lines.length > 0 ? lines : ['Updated the record'];
    }
    default:
      return [event.type];
  }
}

/** Every change to the customer record, newest first (staff only). */
export function CustomerHistory({ customerId }: { customerId: string }) {
  return (
    <RecordHistory path={`/customers/${customerId}/history`} testId="customer-history" describe={describe} />
  );
}
