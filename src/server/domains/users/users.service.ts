// Staff and portal logins. Admin-only, except that everyone may read themselves (auth/me).
import { and, asc, eq, isNull, sql, type SQL } from 'drizzle-orm';
import type { Database } from '../../../db/client.js';
import type {
  Me,
  MeUpdate,
  PasswordLinkPurpose,
  PasswordLinkSent,
  User,
  UserCreated,
  UserCreate,
  UserListItem,
  UserUpdate,
} from '../../../shared/schemas/users.js';
import { signInStateOf } from '../../../shared/schemas/users.js';
import type { Actor } from '../../lib/actor.js';
import { isAdmin } from '../../lib/actor.js';
import { conflict, forbidden, notFound, unprocessable } from '../../lib/errors.js';
import { translateDbError } from '../../lib/db-errors.js';
import { findLiveUserByEmail, findUserById, revokeTokensOfUser } from '../auth/auth.repo.js';
import { authTokens, passwordLinks, twoStepSecrets, users } from '../auth/auth.table.js';
import { hashPassword } from '../auth/passwords.js';
import { sendPasswordLinkAs } from '../auth/password-links.js';
import { findCustomer } from '../customers/customers.repo.js';
import { diff, recordDomainEvent } from '../domain-events/domain-events.repo.js';
import { assertUnchangedSince } from '../../lib/edit-version.js';
import { nextVersion } from '../../../db/columns.js';

type UserRow = typeof users.$inferSelect;

export const toUserDto = (u: UserRow): User => ({
  id: u.id,
  email: u.email,
  name: u.name,
  role: u.role,
  customerId: u.customerId,
  active: u.active,
  createdAt: u.createdAt.toISOString(),
  updatedAt: u.updatedAt.toISOString(),
});

const emailTaken = conflict('email_taken', 'a user with this e-mail already exists');

function assertAdmin(actor: Actor) {
  if (!isAdmin(actor)) throw forbidden('only admins manage users');
}

export async function getMe(db: Database, actor: Actor): Promise<Me> {
  const user = actor.userId ? await findUserById(db, actor.userId) : undefined;
  if (!user) throw notFound('user');
  return {
    ...toUserDto(user),
    organizationId: actor.organizationId,
    organizationAccess: actor.organizationAccess,
    signature: user.role === 'customer' ? null : user.signature,
  };
}

/**
 * What people change of themselves: staff their name and signature (an empty one is none).
 * Customers have nothing here (403: their name is their customer record's). `user.updated` with
 * the changes, in the same transaction.
 */
export async function updateMe(db: Database, actor: Actor, input: MeUpdate): Promise<Me> {
  if (!actor.userId) throw notFound('user');
  if (actor.role === 'customer')
    throw forbidden(
      'customers change their name on their profile, and have no signature: staff sign their replies',
    );
  await db.transaction(async (tx) => {
    const before = await findUserById(tx, actor.userId!);
    if (!before) throw notFound('user');
    const fields = {
      ...(input.signature === undefined ? {} : { signature: input.signature || null }),
      ...(input.name === undefined ? {} : { name: input.name }),
    };
    const changes = diff(before as unknown as Record<string, unknown>, fields);
    if (Object.keys(changes).length === 0) return;
    await tx
      .update(users)
      .set({ ...fields, updatedAt: nextVersion() })
      .where(eq(users.id, before.id));
    await recordDomainEvent(tx, actor, {
      type: 'user.updated',
      entityType: 'user',
      entityId: before.id,
      data: { changes },
    });
  });
  return getMe(db, actor);
}

export async function listUsers(db: Database, actor: Actor, filter: { role?: User['role'] } = {}) {
  assertAdmin(actor);
  return selectUsers(db, filter.role ? eq(users.role, filter.role) : undefined);
}

/** Live users with when they were last active and how they sign in, by name. */
async function selectUsers(db: Database, where: SQL | undefined): Promise<UserListItem[]> {
  // A session's last use is written at most once a minute (authenticate), its creation at sign-in.
  // `${users}.id`, qualified: `${users.id}` renders as a bare "id", which would mean the token's.
  // The user's own last sign-in outlives the sessions, which are pruned a month after they end.
  const lastActive = sql<Date | null>`greatest((
    select max(coalesce(t.last_used_at, t.created_at)) from ${authTokens} t
    where t.user_id = ${users}.id and t.kind = 'session'), ${users}.last_signed_in_at)`;
  const pendingLink = sql<{ purpose: PasswordLinkPurpose; expires_at: string } | null>`(
    select json_build_object('purpose', l.purpose, 'expires_at', l.expires_at) from ${passwordLinks} l
    where l.user_id = ${users}.id and l.ended_at is null and l.expires_at > now()
    order by l.self_service, l.created_at desc limit 1)`;
  const twoStepEnabled = sql<boolean>`exists (
    select 1 from ${twoStepSecrets} s where s.user_id = ${users}.id and s.enabled_at is not null)`;
  const found = await db
    .select({ user: users, lastActiveAt: lastActive, pendingLink, twoStepEnabled })
    .from(users)
    .where(and(isNull(users.deletedAt), where))
    .orderBy(asc(users.name));
  return found.map((r): UserListItem => {
    const item = {
      ...toUserDto(r.user),
      lastActiveAt: r.lastActiveAt ? new Date(r.lastActiveAt).toISOString() : null,
      passwordSet: r.user.passwordHash !== null,
      pendingLink: r.pendingLink
        ? { purpose: r.pendingLink.purpose, expiresAt: new Date(r.pendingLink.expires_at).toISOString() }
        : null,
      twoStepEnabled: r.twoStepEnabled,
    };
    return { ...item, signInState: signInStateOf(item) };
  });
}

export async function getUser(db: Database, actor: Actor, id: string): Promise<UserListItem> {
  assertAdmin(actor);
  const [user] = await selectUsers(db, eq(users.id, id));
  if (!user) throw notFound('user');
  return user;
}

export async function createUser(
  db: Database,
  actor: Actor,
  input: UserCreate,
  opts: { publicUrl?: string } = {},
): Promise<UserCreated> {
  assertAdmin(actor);
  if (input.invite && (input.role === 'customer' || input.password)) {
    const why =
      input.role === 'customer'
        ? 'customers sign in by e-mailed link, not with a password'
        : 'give a password or invite, not both';
    throw unprocessable('validation_error', `body.invite: ${why}`, [{ path: 'body.invite', message: why }]);
  }
  if (input.role === 'customer') {
    if (!input.customerId) {
      throw unprocessable('validation_error', 'body.customerId: required for role customer', [
        { path: 'body.customerId', message: 'required for role customer' },
      ]);
    }
  } else if (input.customerId) {
    throw unprocessable('validation_error', 'body.customerId: only for role customer', [
      { path: 'body.customerId', message: 'only for role customer' },
    ]);
  }
  const passwordHash = input.password ? await hashPassword(input.password) : null;
  try {
    const { user, invitation } = await db.transaction(async (tx) => {
      if (input.customerId && !(await findCustomer(tx, input.customerId))) {
        throw unprocessable('invalid_reference', 'body.customerId: no such customer', [
          { path: 'body.customerId', message: 'no such customer' },
        ]);
      }
      if (await findLiveUserByEmail(tx, input.email)) throw emailTaken;
      const [row] = await tx
        .insert(users)
        .values({
          email: input.email,
          name: input.name,
          role: input.role,
          passwordHash,
          customerId: input.customerId ?? null,
        })
        .returning();
      await recordDomainEvent(tx, actor, {
        type: 'user.created',
        entityType: 'user',
        entityId: row!.id,
        data: { email: input.email, role: input.role },
      });
      if (!input.invite) return { user: row!, invitation: null };
      if (!opts.publicUrl) throw new Error('an invitation needs the public URL its link points to');
      const link = await sendPasswordLinkAs(tx, actor, row!, 'invitation', opts.publicUrl);
      return { user: row!, invitation: linkSent(row!, 'invitation', link) };
    });
    return { ...toUserDto(user), invitation };
  } catch (err) {
    throw translateDbError(err, { users_email_live_uq: emailTaken });
  }
}

export async function updateUser(
  db: Database,
  actor: Actor,
  id: string,
  input: UserUpdate,
  /** The `updatedAt` of the copy edited (If-Match): refused if it changed since. */
  expected?: string,
) {
  assertAdmin(actor);
  const passwordHash = input.password ? await hashPassword(input.password) : undefined;
  await db.transaction(async (tx) => {
    await assertUnchangedSince(tx, users, eq(users.id, id), expected, 'user');
    const before = await findUserById(tx, id);
    if (!before) throw notFound('user');
    if (
      input.role &&
      input.role !== before.role &&
      (input.role === 'customer' || before.role === 'customer')
    ) {
      throw unprocessable(
        'validation_error',
        'body.role: staff and customer logins cannot change into each other',
      );
    }
    if (id === actor.userId && (input.active === false || (input.role && input.role !== 'admin'))) {
      throw conflict('self_lockout', 'you cannot disable yourself or drop your own admin role');
    }
    const { password: _password, ...fields } = input;
    const changes = diff(before as unknown as Record<string, unknown>, fields);
    if (passwordHash) changes.password = { from: '***', to: '***' };
    if (Object.keys(changes).length === 0) return;
    await tx
      .update(users)
      .set({ ...fields, ...(passwordHash ? { passwordHash } : {}), updatedAt: nextVersion() })
      .where(eq(users.id, id));
    // A new password or a disabled account ends every session and token of that user.
    if (passwordHash || input.active === false) await revokeTokensOfUser(tx, id);
    await recordDomainEvent(tx, actor, {
      type: 'user.updated',
      entityType: 'user',
      entityId: id,
      data: { changes },
    });
  });
  return getUser(db, actor, id);
}

/**
 * An admin sends a staff member a link: an invitation while the account has no password, a
 * reset once it has one. 422 `not_staff` for a portal login (customers sign in by magic link),
 * 409 `account_disabled` for a disabled one.
 */
export async function sendPasswordLink(
  db: Database,
  actor: Actor,
  userId: string,
  opts: { publicUrl: string },
) {
  assertAdmin(actor);
  return db.transaction(async (tx) => {
    const user = await findUserById(tx, userId);
    if (!user) throw notFound('user');
    if (user.role === 'customer') {
      throw unprocessable(
        'not_staff',
        'customers have no password: they sign in with a link they ask for on the sign-in page',
      );
    }
    if (!user.active) throw conflict('account_disabled', 'this account is disabled: enable it first');
    const purpose: PasswordLinkPurpose = user.passwordHash ? 'reset' : 'invitation';
    const link = await sendPasswordLinkAs(tx, actor, user, purpose, opts.publicUrl);
    return linkSent(user, purpose, link);
  });
}

/**
 * What an admin is told of a link they sent (an invitation with a new user, or one sent later).
 * Without SMTP the mail is held (the outbox's own answer): the answer itself says so, so the page
 * need not guess it from the mail set-up.
 */
function linkSent(
  user: { email: string },
  purpose: PasswordLinkPurpose,
  link: { expiresAt: Date; held: boolean },
): PasswordLinkSent {
  return { purpose, sentTo: user.email, expiresAt: link.expiresAt.toISOString(), held: link.held };
}

export async function deleteUser(db: Database, actor: Actor, id: string) {
  assertAdmin(actor);
  if (id === actor.userId) throw conflict('self_lockout', 'you cannot delete yourself');
  await db.transaction(async (tx) => {
    const before = await findUserById(tx, id);
    if (!before) throw notFound('user');
    await tx
      .update(users)
      .set({ deletedAt: sql`now()`, active: false, updatedAt: sql`now()` })
      .where(eq(users.id, id));
    await revokeTokensOfUser(tx, id);
    await recordDomainEvent(tx, actor, { type: 'user.deleted', entityType: 'user', entityId: id });
  });
}

/** Whether anyone at all can sign in: any user, live or not (a fresh install has none). */
export async function anyUserExists(db: Database): Promise<boolean> {
  const found = await db.select({ id: users.id }).from(users).limit(1);
  return found.length > 0;
}

/** First start: with no user at all, create the admin named by the environment. */
export async function bootstrapAdmin(
  db: Database,
  actor: Actor,
  email: string | undefined,
  password: string | undefined,
) {
  if (!email || !password) return undefined;
  const [{ n } = { n: 0 }] = await db.select({ n: sql<number>`count(*)::int` }).from(users);
  if (n > 0) return undefined;
  return createUser(db, actor, {
    email: email.toLowerCase(),
    name: 'Administrator',
    role: 'admin',
    password,
  });
}
