import { sql } from 'drizzle-orm';
import {
  bigint,
  bigserial,
  boolean,
  check,
  index,
  pgTable,
  text,
  uniqueIndex,
  uuid,
} from 'drizzle-orm/pg-core';
import { createdAt, deletedAt, idColumn, timestamptz, updatedAt } from '../../../db/columns.js';
import type { Role, TokenAccess } from '../../../shared/schemas/users.js';
import { customers } from '../customers/customers.table.js';

export const users = pgTable(
  'users',
  {
    id: idColumn(),
    email: text('email').notNull(),
    name: text('name').notNull(),
    role: text('role').$type<Role>().notNull(),
    /** argon2id PHC string; null = cannot sign in with a password. */
    passwordHash: text('password_hash'),
    /** For role `customer`: the customer record this login belongs to. */
    customerId: uuid('customer_id').references(() => customers.id),
    active: boolean('active').notNull().default(true),
    /** Staff: the lines added under their e-mailed replies (after "-- "); null: none. */
    signature: text('signature'),
    /** The last sign-in (a session issued): kept when the sessions themselves are pruned. */
    lastSignedInAt: timestamptz('last_signed_in_at'),
    createdAt: createdAt(),
    updatedAt: updatedAt(),
    deletedAt: deletedAt(),
  },
  (t) => [
    uniqueIndex('users_email_live_uq')
      .on(sql`lower(${t.email})`)
      .where(sql`${t.deletedAt} is null`),
    index('users_customer').on(t.customerId),
    check('users_role_ck', sql`${t.role} in ('admin', 'agent', 'customer')`),
    check('users_customer_role_ck', sql`(${t.role} = 'customer') = (${t.customerId} is not null)`),
  ],
);

/** Session tokens (from login) and long-lived API tokens; only a SHA-256 of the token is stored. */
export const authTokens = pgTable(
  'auth_tokens',
  {
    id: idColumn(),
    userId: uuid('user_id')
      .notNull()
      .references(() => users.id),
    kind: text('kind').$type<'session' | 'api'>().notNull(),
    name: text('name'),
    /** API tokens: `read` lets the token make GET requests only; `full` all its user may do. */
    access: text('access').$type<TokenAccess>().notNull().default('full'),
    tokenHash: text('token_hash').notNull(),
    createdAt: createdAt(),
    expiresAt: timestamptz('expires_at'),
    lastUsedAt: timestamptz('last_used_at'),
    revokedAt: timestamptz('revoked_at'),
    /** Sessions: the address and browser (User-Agent) that signed in, to tell the user's devices apart. */
    ip: text('ip'),
    userAgent: text('user_agent'),
  },
  (t) => [
    uniqueIndex('auth_tokens_hash_uq').on(t.tokenHash),
    index('auth_tokens_user').on(t.userId),
    check('auth_tokens_user_agent_ck', sql`length(${t.userAgent}) <= 512`),
    check('auth_tokens_kind_ck', sql`${t.kind} in ('session', 'api')`),
    check('auth_tokens_access_ck', sql`${t.access} in ('full', 'read')`),
  ],
);

/** Every login attempt; failures within a window throttle further attempts (shared by all nodes). */
export const loginAttempts = pgTable(
  'login_attempts',
  {
    id: bigserial('id', { mode: 'number' }).primaryKey(),
    email: text('email').notNull(),
    ip: text('ip').notNull(),
    succeeded: boolean('succeeded').notNull(),
    at: createdAt('at'),
  },
  (t) => [
    index('login_attempts_email_at').on(sql`lower(${t.email})`, t.at),
    index('login_attempts_ip_at').on(t.ip, t.at),
  ],
);

/**
 * E-mailed links that let a staff member choose a password: an invitation (a new account, 7
 * days) or a reset (asked for on the sign-in page or sent by an admin, 1 hour). Single use; only
 * the token's SHA-256 is kept. A newer link of the user ends the older ones (`replaced`), and a
 * password change, a disabled or deleted account end them all (`revoked`).
 */
export const passwordLinks = pgTable(
  'password_links',
  {
    id: idColumn(),
    userId: uuid('user_id')
      .notNull()
      .references(() => users.id),
    purpose: text('purpose').$type<'invitation' | 'reset'>().notNull(),
    tokenHash: text('token_hash').notNull(),
    expiresAt: timestamptz('expires_at').notNull(),
    endedAt: timestamptz('ended_at'),
    endedReason: text('ended_reason').$type<'used' | 'replaced' | 'revoked'>(),
    /** Asked for on the sign-in page (anyone with the address may): it never ends an admin's link. */
    selfService: boolean('self_service').notNull().default(false),
    /** The admin who sent it; null when asked for on the sign-in page or sent by Steward (CLI). */
    createdBy: uuid('created_by').references(() => users.id),
    requestedIp: text('requested_ip'),
    createdAt: createdAt(),
  },
  (t) => [
    uniqueIndex('password_links_token_hash_uq').on(t.tokenHash),
    index('password_links_live')
      .on(t.userId)
      .where(sql`${t.endedAt} is null`),
    check('password_links_purpose_ck', sql`${t.purpose} in ('invitation', 'reset')`),
    check(
      'password_links_ended_ck',
      sql`(${t.endedAt} is null) = (${t.endedReason} is null) and ${t.endedReason} in ('used', 'replaced', 'revoked')`,
    ),
  ],
);

/**
 * Two-step sign-in (TOTP, RFC 6238) of a staff member: the shared secret of their authenticator
 * app, apart from `users` so no `select` of a user carries it. A row without `enabled_at` is an
 * enrolment begun and not yet confirmed with a code: it changes nothing at sign-in. The secret
 * never leaves the server after enrolment (no API answer, export or event holds it).
 * `last_used_step`: the 30-second time step of the last code accepted; a code of that step or an
 * earlier one is refused, so a code seen over someone's shoulder cannot be used again.
 */
export const twoStepSecrets = pgTable('two_step_secrets', {
  userId: uuid('user_id')
    .primaryKey()
    .references(() => users.id),
  secret: text('secret').notNull(),
  enabledAt: timestamptz('enabled_at'),
  lastUsedStep: bigint('last_used_step', { mode: 'number' }),
  createdAt: createdAt(),
});

/**
 * Single-use recovery codes for a lost authenticator: only their SHA-256 is kept (each is 50
 * random bits, not something a person chose, so a fast hash is enough: there is no dictionary to
 * try). A new set replaces the old one; using one is one UPDATE … WHERE used_at IS NULL.
 */
export const twoStepRecoveryCodes = pgTable(
  'two_step_recovery_codes',
  {
    id: idColumn(),
    userId: uuid('user_id')
      .notNull()
      .references(() => users.id),
    codeHash: text('code_hash').notNull(),
    usedAt: timestamptz('used_at'),
    createdAt: createdAt(),
  },
  (t) => [index('two_step_recovery_codes_user').on(t.userId)],
);

/**
 * The step between a right password and a session for a user with two-step sign-in (`sign_in`:
 * answer with a code), or one who must set it up first (`setup`: only enrolment is allowed).
 * Five minutes, single use (`used_at`); only the token's SHA-256 is kept.
 */
export const twoStepChallenges = pgTable(
  'two_step_challenges',
  {
    id: idColumn(),
    userId: uuid('user_id')
      .notNull()
      .references(() => users.id),
    purpose: text('purpose').$type<'sign_in' | 'setup'>().notNull(),
    tokenHash: text('token_hash').notNull(),
    expiresAt: timestamptz('expires_at').notNull(),
    usedAt: timestamptz('used_at'),
    ip: text('ip'),
    userAgent: text('user_agent'),
    createdAt: createdAt(),
  },
  (t) => [
    uniqueIndex('two_step_challenges_token_hash_uq').on(t.tokenHash),
    index('two_step_challenges_user').on(t.userId),
    check('two_step_challenges_purpose_ck', sql`${t.purpose} in ('sign_in', 'setup')`),
  ],
);
