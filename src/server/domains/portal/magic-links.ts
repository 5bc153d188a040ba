// Sign-in by e-mailed link for customers. Asking for a link answers the same whatever the
// address (no account enumeration); only a live customer with that address gets a mail, and a
// portal login (role customer, no password) is made for them on the way. The link carries a
// random token; the database keeps only its SHA-256. A link works once, for 15 minutes: using
// it is one UPDATE … WHERE used_at IS NULL, so of two requests racing with the same link
// exactly one wins. Staff never sign in by link (their accounts have passwords and more power).
import { resolveCustomer } from '../customers/customers.repo.js';
import { randomBytes } from 'node:crypto';
import { sql } from 'drizzle-orm';
import type { Database } from '../../../db/client.js';
import { rows } from '../../../db/client.js';
import { PORTAL_LIMITS } from '../../../shared/schemas/portal.js';
import { SYSTEM_ACTOR } from '../../lib/actor.js';
import { answerNoSoonerThan, assertLinkRequestRate } from '../../lib/rate-limit.js';
import type { SignInClient } from '../auth/auth.service.js';
import { linkRefused, signInByLink, type ClaimedLink } from '../auth/emailed-links.js';
import { hashToken } from '../auth/tokens.js';
import { findUserById } from '../auth/auth.repo.js';
import { users } from '../auth/auth.table.js';
import { recordDomainEvent } from '../domain-events/domain-events.repo.js';
import { blockedPatternOf } from '../mail/blocked-senders.service.js';
import { queueMail } from '../mail/outbox.js';
import { magicLinks } from './portal.table.js';
import { customerWords } from '../../../core/mail/customer-words.js';
import { languageOfCustomer } from '../settings/customer-language.js';

export const MAGIC_LINK_TTL_MS = PORTAL_LIMITS.magicLinkMinutes * 60_000;
/** Links asked for per client IP, and per address, within the window. */
export const MAGIC_LINK_RATE = { perIp: 10, perAddress: 3, windowSeconds: 15 * 60 } as const;
/** Every answer takes at least this long, so a known address does not answer measurably slower. */
export const MAGIC_LINK_MIN_MS = 250;

export const MAGIC_LINK_ANSWER =
  'If this address belongs to a customer account, a sign-in link is on its way. It works once, for 15 minutes.';

export type MagicLinkOutcome =
  'sent' | 'unknown_address' | 'not_a_customer_login' | 'login_disabled' | 'blocked_sender';

/**
 * Queues a sign-in mail for the live customer with this address, if any. Always resolves the
 * same way for the caller; the outcome is for logs and tests only.
 */
export async function requestMagicLink(
  db: Database,
  opts: { email: string; ip: string; publicUrl: string; now?: Date },
): Promise<{ outcome: MagicLinkOutcome }> {
  const started = Date.now();
  const email = opts.email.trim().toLowerCase();
  await assertLinkRequestRate(db, 'magic_link', { ip: opts.ip, email }, MAGIC_LINK_RATE);
  const outcome = await db.transaction(async (tx): Promise<MagicLinkOutcome> => {
    // A merged customer's address leads to the customer it went into (and its login moved there).
    const customer = await resolveCustomer(tx, { email });
    if (!customer) return 'unknown_address';
    // Marked as spam (or a blocked domain): no link, as their mail opens nothing either.
    if (await blockedPatternOf(tx, email)) return 'blocked_sender';
    const findUser = () =>
      rows<{ id: string; role: string; customer_id: string | null; active: boolean }>(
        tx,
        sql`select id, role, customer_id, active from users
          where lower(email) = ${email} and deleted_at is null limit 1`,
      );
    let [user] = await findUser();
    if (!user) {
      // The first link makes the portal login: role customer, no password.
      const [created] = await tx
        .insert(users)
        .values({ email, name: customer.name, role: 'customer', customerId: customer.id })
        .onConflictDoNothing()
        .returning({ id: users.id });
      if (created) {
        await recordDomainEvent(tx, SYSTEM_ACTOR, {
          type: 'user.created',
          entityType: 'user',
          entityId: created.id,
          data: { email, role: 'customer', customerId: customer.id, source: 'magic_link' },
        });
      }
      [user] = await findUser();
      if (!user) return 'unknown_address';
    }
    // Staff (or a login tied to another customer record) never sign in by link.
    if (user.role !== 'customer' || user.customer_id !== customer.id) return 'not_a_customer_login';
    if (!user.active) return 'login_disabled';
    const token = `ml_${randomBytes(32).toString('base64url')}`;
    const now = opts.now ?? new Date();
    const [link] = await tx
      .insert(magicLinks)
      .values({
        userId: user.id,
        tokenHash: hashToken(token),
        expiresAt: new Date(now.getTime() + MAGIC_LINK_TTL_MS),
        requestedIp: opts.ip,
      })
      .returning({ id: magicLinks.id });
    const url = `${opts.publicUrl}/login/magic#token=${encodeURIComponent(token)}`;
    const w = customerWords(await languageOfCustomer(tx, customer.id));
    await queueMail(tx, {
      to: email,
      toName: customer.name,
      subject: w.signInSubject,
      text: [
        w.hello(customer.name),
        '',
        w.openToSignIn,
        '',
        url,
        '',
        w.worksOnce(PORTAL_LIMITS.magicLinkMinutes),
        w.notAsked,
      ].join('\n'),
      autoSubmitted: true,
    });
    await recordDomainEvent(tx, SYSTEM_ACTOR, {
      type: 'auth.magic_link_requested',
      entityType: 'user',
      entityId: user.id,
      data: { linkId: link!.id, ip: opts.ip },
    });
    return 'sent';
  });
  await answerNoSoonerThan(started, MAGIC_LINK_MIN_MS);
  return { outcome };
}

/** Marks the link of this token used, or throws the error saying why it does not work. */
async function claimMagicLink(tx: Database, token: string): Promise<ClaimedLink> {
  const tokenHash = hashToken(token);
  const [used] = await rows<ClaimedLink>(
    tx,
    sql`update magic_links set used_at = now()
      where token_hash = ${tokenHash} and used_at is null and expires_at > now()
      returning id, user_id as "userId"`,
  );
  if (used) return used;
  const [link] = await rows<{ used_at: Date | null }>(
    tx,
    sql`select used_at from magic_links where token_hash = ${tokenHash}`,
  );
  throw linkRefused(!link ? 'invalid' : link.used_at ? 'used' : 'expired', 'sign-in link');
}

/**
 * Uses a link: marks it used and opens a session, in one transaction. Unknown or malformed:
 * 400 `link_invalid`; used before: 410 `link_used`; past 15 minutes: 410 `link_expired`; the
 * login or the customer gone or disabled since: 403 `account_disabled`.
 */
export async function verifyMagicLink(
  db: Database,
  opts: { token: string; ttlSeconds: number } & SignInClient,
) {
  return signInByLink(db, {
    claim: (tx) => claimMagicLink(tx, opts.token),
    userOf: async (tx, link) => {
      const user = await findUserById(tx, link.userId);
      if (!user?.customerId || !user.active || user.role !== 'customer') return null;
      const [customer] = await rows<{ id: string }>(
        tx,
        sql`select id from customers where id = ${user.customerId} and deleted_at is null`,
      );
      return customer ? user : null;
    },
    refusedEvent: 'auth.magic_link_refused',
    use: async () => ({ event: 'auth.magic_link_used' }),
    ttlSeconds: opts.ttlSeconds,
    client: opts,
  });
}
