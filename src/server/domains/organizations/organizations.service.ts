// Use cases on organizations (business customers). Domains are unique among live organizations:
// they decide which organization an unknown e-mail sender belongs to.
import { and } from 'drizzle-orm';
import type { Database } from '../../../db/client.js';
import type {
  Organization,
  OrganizationCreate,
  OrganizationListQuery,
  OrganizationUpdate,
} from '../../../shared/schemas/organizations.js';
import { isStaff, type Actor } from '../../lib/actor.js';
import { conflict, forbidden, notFound, unprocessable } from '../../lib/errors.js';
import { mergedAway } from '../../lib/merging.js';
import * as policy from '../../policies/organizations.js';
import { appliedAgreement } from '../agreements/agreements.service.js';
import { assertCustomFields, customerVisibleFields, fieldFilterCondition } from '../fields/fields.service.js';
import { diff, recordDomainEvent } from '../domain-events/domain-events.repo.js';
import { segmentExists } from '../segments/segments.repo.js';
import * as repo from './organizations.repo.js';
import { assertUnchangedSince } from '../../lib/edit-version.js';
import { organizations } from './organizations.table.js';
import { assertNameFree, nameTakenMeanwhile, ORGANIZATION_NAMES } from '../../lib/unique-names.js';

type Row = NonNullable<Awaited<ReturnType<typeof repo.findOrganization>>>;

export function toOrganizationDto(row: Row): Organization {
  return {
    id: row.id,
    name: row.name,
    domains: row.domains,
    segment: row.segment,
    customFields: row.customFields,
    notes: row.notes,
    customerCount: row.customerCount,
    createdAt: row.createdAt.toISOString(),
    updatedAt: row.updatedAt.toISOString(),
  };
}

async function checkOrganizationFields(db: Database, input: OrganizationUpdate, exceptId?: string) {
  if (input.name !== undefined) await assertNameFree(db, ORGANIZATION_NAMES, input.name, exceptId);
  if (input.segment && !(await segmentExists(db, input.segment))) {
    throw unprocessable('invalid_reference', `body.segment: no segment "${input.segment}"`, [
      { path: 'body.segment', message: 'no such segment' },
    ]);
  }
  if (input.domains?.length) {
    const owners = await repo.findDomainOwners(db, input.domains, exceptId);
    if (owners.length > 0) {
      const taken = input.domains.filter((d) => owners.some((o) => o.domains.includes(d)));
      throw conflict('domain_taken', `domain ${taken.join(', ')} already belongs to ${owners[0]!.name}`);
    }
  }
}

export async function getOrganization(db: Database, actor: Actor, id: string) {
  const row = await repo.findOrganization(db, id);
  if (!row && isStaff(actor)) {
    // An old link to a merged organization: staff are told where it went.
    const into = await repo.findMergedInto(db, id);
    if (into) throw mergedAway('organizations', into);
  }
  if (!row || !policy.canReadOrganization(actor, row)) throw notFound('organization');
  const dto = (await forActor(db, actor))(toOrganizationDto(row));
  // What was promised to it: staff only (agreements are ours, like the segment).
  if (isStaff(actor))
    dto.agreement = await appliedAgreement(db, {
      customerId: null,
      organizationId: row.id,
      segment: row.segment,
    });
  return dto;
}

type OrganizationDto = ReturnType<typeof toOrganizationDto>;

/**
 * The organization as this actor may see it: staff see it all; a customer of it (with access to
 * their organization) not its internal notes or our segment, and only the custom fields shown
 * to customers.
 */
async function forActor(db: Database, actor: Actor): Promise<(o: OrganizationDto) => OrganizationDto> {
  if (isStaff(actor)) return (o) => o;
  const shown = await customerVisibleFields(db, 'organization');
  return (o) => ({ ...o, notes: null, segment: null, customFields: shown(o.customFields) });
}

export async function listOrganizations(db: Database, actor: Actor, query: OrganizationListQuery) {
  if (query.segment && !isStaff(actor)) throw forbidden('only staff filter organizations by segment');
  const byFields = await fieldFilterCondition(db, 'organization', organizations.customFields, query.field, {
    customerView: !isStaff(actor),
  });
  const page = await repo.listOrganizations(db, query, and(policy.organizationListScope(actor), byFields));
  const shown = await forActor(db, actor);
  return {
    items: page.items.map((row) => shown(toOrganizationDto(row))),
    nextCursor: page.nextCursor,
    total: page.total,
  };
}

export async function createOrganization(db: Database, actor: Actor, input: OrganizationCreate) {
  policy.assertCanWriteOrganization(actor);
  try {
    const id = await db.transaction(async (tx) => {
      await checkOrganizationFields(tx, input);
      await assertCustomFields(tx, 'organization', input.customFields);
      const [row] = await repo.insertOrganizations(tx, [input]);
      await recordDomainEvent(tx, actor, {
        type: 'organization.created',
        entityType: 'organization',
        entityId: row!.id,
        data: { ...input },
      });
      return row!.id;
    });
    return getOrganization(db, actor, id);
  } catch (err) {
    throw nameTakenMeanwhile(err, ORGANIZATION_NAMES, input.name);
  }
}

export async function updateOrganization(
  db: Database,
  actor: Actor,
  id: string,
  input: OrganizationUpdate,
  /** The `updatedAt` of the copy edited (If-Match): refused if it changed since. */
  expected?: string,
) {
  policy.assertCanWriteOrganization(actor);
  try {
    await db.transaction(async (tx) => {
      await assertUnchangedSince(tx, organizations, repo.liveOrganization(id), expected, 'organization');
      const before = await repo.findOrganization(tx, id);
      if (!before) throw notFound('organization');
      await checkOrganizationFields(tx, input, id);
      await assertCustomFields(tx, 'organization', input.customFields, before.customFields);
      const changes = diff(before as unknown as Record<string, unknown>, input);
      if (Object.keys(changes).length === 0) return;
      await repo.updateOrganizationRow(tx, id, input);
      await recordDomainEvent(tx, actor, {
        type: 'organization.updated',
        entityType: 'organization',
        entityId: id,
        data: { changes },
      });
    });
  } catch (err) {
    throw nameTakenMeanwhile(err, ORGANIZATION_NAMES, input.name ?? '');
  }
  return getOrganization(db, actor, id);
}

export async function deleteOrganization(db: Database, actor: Actor, id: string) {
  policy.assertCanDeleteOrganization(actor);
  await db.transaction(async (tx) => {
    const before = await repo.findOrganization(tx, id);
    if (!before) throw notFound('organization');
    if (before.customerCount > 0) {
      throw conflict(
        'organization_has_customers',
        `${before.name} still has ${before.customerCount} customer${before.customerCount === 1 ? '' : 's'}: move or delete them first`,
      );
    }
    await repo.softDeleteOrganization(tx, id);
    await recordDomainEvent(tx, actor, {
      type: 'organization.deleted',
      entityType: 'organization',
      entityId: id,
    });
  });
}
