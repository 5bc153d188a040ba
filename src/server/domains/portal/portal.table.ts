import { index, integer, pgTable, text, uniqueIndex, uuid } from 'drizzle-orm/pg-core';
import { createdAt, idColumn, timestamptz } from '../../../db/columns.js';
import { users } from '../auth/auth.table.js';
import { cases } from '../cases/cases.table.js';
import { customers } from '../customers/customers.table.js';

/** Sign-in links sent by e-mail: single use, short-lived; only a SHA-256 of the token is kept. */
export const magicLinks = pgTable(
  'magic_links',
  {
    id: idColumn(),
    userId: uuid('user_id')
      .notNull()
      .references(() => users.id),
    tokenHash: text('token_hash').notNull(),
    expiresAt: timestamptz('expires_at').notNull(),
    usedAt: timestamptz('used_at'),
    requestedIp: text('requested_ip'),
    createdAt: createdAt(),
  },
  (t) => [
    uniqueIndex('magic_links_token_hash_uq').on(t.tokenHash),
    index('magic_links_user').on(t.userId, t.createdAt),
  ],
);

/** A customer's rating of a solved case (1-5) with an optional comment; one per case, changeable. */
export const caseRatings = pgTable(
  'case_ratings',
  {
    id: idColumn(),
    caseId: uuid('case_id')
      .notNull()
      .references(() => cases.id),
    customerId: uuid('customer_id')
      .notNull()
      .references(() => customers.id),
    rating: integer('rating').notNull(),
    comment: text('comment'),
    createdAt: createdAt(),
    updatedAt: createdAt('updated_at'),
  },
  (t) => [uniqueIndex('case_ratings_case_uq').on(t.caseId)],
);

/** Requests to public endpoints (web form, magic links) per client key, for rate limits every node sees. */
export const publicRequests = pgTable(
  'public_requests',
  {
    id: idColumn(),
    /** What was asked for: `web_form`, `magic_link`, … */
    action: text('action').notNull(),
    /** The client's IP, or an e-mail address for per-address limits. */
    clientKey: text('client_key').notNull(),
    at: createdAt('at'),
  },
  (t) => [index('public_requests_window').on(t.action, t.clientKey, t.at)],
);
