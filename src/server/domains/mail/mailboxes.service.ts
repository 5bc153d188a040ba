// Mailboxes (admin): the addresses customers write to, the team their new cases go to, and the
// IMAP mailbox polled for them. The IMAP password never leaves the server: answers and domain
// events show the URL with the password masked, and a client that sends the masked URL back
// keeps the stored password. Pointing a mailbox at another IMAP folder or account starts its
// polling position over. Every change writes its domain event in the same transaction.
import { and, eq, isNull, sql } from 'drizzle-orm';
import type { Database } from '../../../db/client.js';
import type {
  Mailbox,
  MailboxCreate,
  MailboxPollResult,
  MailboxUpdate,
} from '../../../shared/schemas/mail.js';
import type { Actor } from '../../lib/actor.js';
import { translateDbError } from '../../lib/db-errors.js';
import { AppError, conflict, notFound, unprocessable } from '../../lib/errors.js';
import { diff, recordDomainEvent } from '../domain-events/domain-events.repo.js';
import { teams } from '../teams/teams.table.js';
import { assertTeamExists } from '../teams/teams.service.js';
import { hasMaskedPassword, maskUrlPassword, unmaskUrlPassword } from '../../lib/url-password.js';
import { pollMailboxNow } from './imap-poller.js';
import { assertCanManageMailboxes } from './mail.policy.js';
import { mailboxes } from './mail.table.js';
import { parseMailFrom } from './compose.js';
import { mailSettings } from './outbox.js';
import { assertUnchangedSince } from '../../lib/edit-version.js';
import { nextVersion } from '../../../db/columns.js';

type Row = typeof mailboxes.$inferSelect;

/** Our own addresses, lower-case: every mailbox's (deleted ones too: mail to them may still come) and the From of our mail. */
export async function ourAddresses(db: Database, mailFrom = mailSettings().mailFrom): Promise<Set<string>> {
  const found = await db.select({ address: mailboxes.address }).from(mailboxes);
  const ours = new Set(found.map((m) => m.address.toLowerCase()));
  ours.add(parseMailFrom(mailFrom).address);
  return ours;
}

const addressTaken = (address: string) =>
  conflict('mailbox_exists', `body.address: a mailbox for ${address} exists already`);

async function checkTeam(db: Database, teamId: string | null | undefined) {
  if (teamId) await assertTeamExists(db, teamId);
}

async function addressInUse(db: Database, address: string, exceptId?: string) {
  const [row] = await db
    .select({ id: mailboxes.id })
    .from(mailboxes)
    .where(
      and(
        sql`lower(${mailboxes.address}) = ${address.toLowerCase()}`,
        isNull(mailboxes.deletedAt),
        exceptId ? sql`${mailboxes.id} <> ${exceptId}` : undefined,
      ),
    );
  return !!row;
}

const liveMailbox = (id: string) => and(eq(mailboxes.id, id), isNull(mailboxes.deletedAt));

async function findLive(db: Database, id: string) {
  const [row] = await db.select().from(mailboxes).where(liveMailbox(id));
  return row;
}

async function toDtos(db: Database, list: Row[]): Promise<Mailbox[]> {
  const teamIds = [...new Set(list.map((r) => r.teamId).filter((x): x is string => !!x))];
  const names = new Map<string, string>();
  if (teamIds.length)
    for (const t of await db
      .select({ id: teams.id, name: teams.name })
      .from(teams)
      .where(sql`${teams.id} = any(${sql.param(teamIds)}::uuid[])`))
      names.set(t.id, t.name);
  return list.map((r) => ({
    id: r.id,
    address: r.address,
    name: r.name,
    teamId: r.teamId,
    team: r.teamId && names.has(r.teamId) ? { id: r.teamId, name: names.get(r.teamId)! } : null,
    imapUrl: maskUrlPassword(r.imapUrl),
    imapFolder: r.imapFolder,
    imapUidValidity: r.imapUidValidity,
    imapLastUid: r.imapLastUid,
    lastPolledAt: r.lastPolledAt?.toISOString() ?? null,
    lastError: r.lastError,
    active: r.active,
    createdAt: r.createdAt.toISOString(),
    updatedAt: r.updatedAt.toISOString(),
  }));
}

const toDto = async (db: Database, row: Row) => (await toDtos(db, [row]))[0]!;

/** What a domain event may say about a mailbox: never the password. */
const forEvent = (input: Partial<Pick<Row, 'imapUrl'>> & Record<string, unknown>) =>
  'imapUrl' in input ? { ...input, imapUrl: maskUrlPassword(input.imapUrl ?? null) } : input;

export async function listMailboxes(db: Database, actor: Actor): Promise<Mailbox[]> {
  assertCanManageMailboxes(actor);
  const list = await db
    .select()
    .from(mailboxes)
    .where(isNull(mailboxes.deletedAt))
    .orderBy(mailboxes.address, mailboxes.id);
  return toDtos(db, list);
}

export async function getMailbox(db: Database, actor: Actor, id: string): Promise<Mailbox> {
  assertCanManageMailboxes(actor);
  const row = await findLive(db, id);
  if (!row) throw notFound('mailbox');
  return toDto(db, row);
}

export async function createMailbox(db: Database, actor: Actor, raw: MailboxCreate): Promise<Mailbox> {
  assertCanManageMailboxes(actor);
  const input = { imapFolder: 'INBOX', active: true, ...raw };
  if (input.imapUrl && hasMaskedPassword(input.imapUrl))
    throw unprocessable('validation_error', 'body.imapUrl: give the password');
  try {
    const row = await db.transaction(async (tx) => {
      if (await addressInUse(tx, input.address)) throw addressTaken(input.address);
      await checkTeam(tx, input.teamId);
      const [created] = await tx
        .insert(mailboxes)
        .values({
          address: input.address,
          name: input.name,
          teamId: input.teamId ?? null,
          imapUrl: input.imapUrl ?? null,
          imapFolder: input.imapFolder,
          active: input.active,
        })
        .returning();
      await recordDomainEvent(tx, actor, {
        type: 'mailbox.created',
        entityType: 'mailbox',
        entityId: created!.id,
        data: forEvent({ ...input }),
      });
      return created!;
    });
    return toDto(db, row);
  } catch (err) {
    throw translateDbError(err, { mailboxes_address_live_uq: addressTaken(input.address) });
  }
}

export async function updateMailbox(
  db: Database,
  actor: Actor,
  id: string,
  input: MailboxUpdate,
  /** The `updatedAt` of the copy edited (If-Match): refused if it changed since. */
  expected?: string,
) {
  assertCanManageMailboxes(actor);
  try {
    const row = await db.transaction(async (tx) => {
      await assertUnchangedSince(tx, mailboxes, liveMailbox(id), expected, 'mailbox');
      const before = await findLive(tx, id);
      if (!before) throw notFound('mailbox');
      const next: Partial<typeof mailboxes.$inferInsert> = {};
      if (input.address !== undefined) next.address = input.address;
      if (input.name !== undefined) next.name = input.name;
      if (input.teamId !== undefined) next.teamId = input.teamId;
      if (input.imapFolder !== undefined) next.imapFolder = input.imapFolder;
      if (input.active !== undefined) next.active = input.active;
      if (input.imapUrl !== undefined)
        next.imapUrl =
          input.imapUrl === null ? null : unmaskUrlPassword(input.imapUrl, before.imapUrl, 'imapUrl');
      const changes = diff(before as unknown as Record<string, unknown>, next as Record<string, unknown>);
      if (Object.keys(changes).length === 0) return before;
      if (changes.address && (await addressInUse(tx, input.address!, id))) throw addressTaken(input.address!);
      if (changes.teamId) await checkTeam(tx, input.teamId);
      // Another account or folder: its UIDs mean nothing here; start over (duplicates are harmless).
      const moved = 'imapUrl' in changes || 'imapFolder' in changes;
      const [after] = await tx
        .update(mailboxes)
        .set({
          ...next,
          ...(moved ? { imapUidValidity: null, imapLastUid: 0, lastError: null, lastPolledAt: null } : {}),
          updatedAt: nextVersion(),
        })
        .where(eq(mailboxes.id, id))
        .returning();
      if (changes.imapUrl)
        changes.imapUrl = {
          from: maskUrlPassword(before.imapUrl),
          to: maskUrlPassword(next.imapUrl ?? null),
        };
      await recordDomainEvent(tx, actor, {
        type: 'mailbox.updated',
        entityType: 'mailbox',
        entityId: id,
        data: { changes },
      });
      return after!;
    });
    return toDto(db, row);
  } catch (err) {
    throw translateDbError(err, { mailboxes_address_live_uq: addressTaken(input.address ?? '') });
  }
}

export async function deleteMailbox(db: Database, actor: Actor, id: string) {
  assertCanManageMailboxes(actor);
  await db.transaction(async (tx) => {
    const before = await findLive(tx, id);
    if (!before) throw notFound('mailbox');
    await tx
      .update(mailboxes)
      .set({ deletedAt: new Date(), active: false, updatedAt: new Date() })
      .where(eq(mailboxes.id, id));
    await recordDomainEvent(tx, actor, {
      type: 'mailbox.deleted',
      entityType: 'mailbox',
      entityId: id,
      data: { address: before.address },
    });
  });
}

/** Polls the mailbox's IMAP folder now; the answer counts what came in. */
export async function pollMailboxNowFor(db: Database, actor: Actor, id: string): Promise<MailboxPollResult> {
  assertCanManageMailboxes(actor);
  const row = await findLive(db, id);
  if (!row) throw notFound('mailbox');
  if (!row.imapUrl)
    throw unprocessable('not_polled', 'this mailbox has no IMAP URL: mail reaches it by SMTP');
  if (!row.active) throw new AppError(409, 'mailbox_inactive', 'the mailbox is inactive; activate it first');
  const result = await pollMailboxNow(db, id);
  if (!result) throw conflict('mailbox_changed', 'the mailbox changed meanwhile; try again');
  await db.transaction((tx) =>
    recordDomainEvent(tx, actor, {
      type: 'mailbox.polled',
      entityType: 'mailbox',
      entityId: id,
      data: { ...result },
    }),
  );
  return result;
}
