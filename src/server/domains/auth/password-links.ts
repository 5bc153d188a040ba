// E-mailed links with which staff choose a password: an invitation for a new account, a reset
// asked for on the sign-in page ("Forgot your password?") or sent by an admin. Asking answers the
// same whatever the address (no account enumeration) and takes as long; only a live staff login
// gets a mail. A link carries a random token, the database keeps its SHA-256; it works once:
// using it is one UPDATE … WHERE ended_at IS NULL, so of two requests racing with the same link
// exactly one wins. Only a user's newest link works, and changing the password, disabling or
// deleting the account ends them all (revokeTokensOfUser). Customers have no password: they sign
// in by magic link (../portal/magic-links.ts).
import { randomBytes } from 'node:crypto';
import { and, eq, isNull, sql } from 'drizzle-orm';
import type { Database } from '../../../db/client.js';
import { rows } from '../../../db/client.js';
import type { PasswordLinkPurpose } from '../../../shared/schemas/users.js';
import { SYSTEM_ACTOR, type Actor } from '../../lib/actor.js';
import { answerNoSoonerThan, assertLinkRequestRate } from '../../lib/rate-limit.js';
import { nextVersion } from '../../../db/columns.js';
import { recordDomainEvent } from '../domain-events/domain-events.repo.js';
import { queueMail } from '../mail/outbox.js';
import { readSettings } from '../settings/settings.service.js';
import { findLiveUserByEmail, findUserById, revokeTokensOfUser } from './auth.repo.js';
import type { SignInClient } from './auth.service.js';
import {
  accountDisabled,
  linkRefused,
  signInByLink,
  type ClaimedLink,
  type LinkRefusal,
} from './emailed-links.js';
import { passwordLinks, users } from './auth.table.js';
import { hashPassword } from './passwords.js';
import { hashToken } from './tokens.js';

/** How long a link works, in minutes. */
export const PASSWORD_LINK_MINUTES: Record<PasswordLinkPurpose, number> = {
  invitation: 7 * 24 * 60,
  reset: 60,
};
/** Resets asked for per client IP, and per address, within the window. */
export const PASSWORD_RESET_RATE = { perIp: 10, perAddress: 3, windowSeconds: 15 * 60 } as const;
/** Every answer to a reset request takes at least this long, known address or not. */
export const PASSWORD_RESET_MIN_MS = 250;
export const PASSWORD_RESET_ANSWER =
  'If this address belongs to a staff account, a link to choose a new password is on its way. It works once, for an hour.';

export type PasswordResetOutcome = 'sent' | 'unknown_address' | 'customer_login' | 'login_disabled';

interface LinkUser {
  id: string;
  email: string;
  name: string;
  role: string;
}

const ROLE_WORDS: Record<string, string> = { admin: 'an administrator', agent: 'an agent' };

/**
 * The link's mail. `place` is what the staff sign in to: the company's name from Settings when
 * one is set ("Acme Parcels"), else "Steward".
 */
function linkMail(
  user: LinkUser,
  purpose: PasswordLinkPurpose,
  url: string,
  sentBy: { name: string } | null,
  place: string,
): { subject: string; text: string } {
  if (purpose === 'invitation') {
    return {
      subject: `You are invited to ${place}`,
      text: [
        `Hello ${user.name},`,
        '',
        `${sentBy ? sentBy.name : 'An administrator'} invited you to ${place}, as ${ROLE_WORDS[user.role] ?? 'a member of staff'}.`,
        'Open this link to choose your password:',
        '',
        url,
        '',
        `The link works once, for ${PASSWORD_LINK_MINUTES.invitation / 1440} days. You sign in with this address: ${user.email}`,
      ].join('\n'),
    };
  }
  return {
    subject: `Choose a new ${place} password`,
    text: [
      `Hello ${user.name},`,
      '',
      sentBy
        ? `${sentBy.name} sent you a link to choose a new password for your ${place} account (${user.email}):`
        : `Someone, we hope you, asked to choose a new password for your ${place} account (${user.email}). Open this link to choose it:`,
      '',
      url,
      '',
      `The link works once, for ${PASSWORD_LINK_MINUTES.reset} minutes.`,
      'If you did not ask for it, ignore this mail: your password stays as it is.',
    ].join('\n'),
  };
}

/**
 * Makes a link for `user` and queues its mail, in the caller's transaction. Earlier links end
 * (`replaced`): only the newest mail works. A link asked for on the sign-in page ends only
 * earlier ones asked for there: anyone may ask for one with the address, and must not be able to
 * cancel the invitation or link an admin sent. The user's row is locked first, so two links
 * issued at once end one another in turn.
 */
export async function issuePasswordLink(
  tx: Database,
  user: LinkUser,
  purpose: PasswordLinkPurpose,
  opts: {
    publicUrl: string;
    /** The admin who sends it; null: Steward itself (the CLI). */
    sentBy?: { id: string; name: string } | null;
    /** Asked for on the sign-in page. */
    selfService?: boolean;
    ip?: string;
    now?: Date;
  },
): Promise<{ id: string; expiresAt: Date; held: boolean }> {
  await tx.execute(sql`select 1 from users where id = ${user.id} for update`);
  await tx
    .update(passwordLinks)
    .set({ endedAt: sql`now()`, endedReason: 'replaced' })
    .where(
      and(
        eq(passwordLinks.userId, user.id),
        isNull(passwordLinks.endedAt),
        opts.selfService ? eq(passwordLinks.selfService, true) : undefined,
      ),
    );
  const token = `pw_${randomBytes(32).toString('base64url')}`;
  const now = opts.now ?? new Date();
  const expiresAt = new Date(now.getTime() + PASSWORD_LINK_MINUTES[purpose] * 60_000);
  const [link] = await tx
    .insert(passwordLinks)
    .values({
      userId: user.id,
      purpose,
      tokenHash: hashToken(token),
      expiresAt,
      selfService: opts.selfService ?? false,
      createdBy: opts.sentBy?.id ?? null,
      requestedIp: opts.ip ?? null,
    })
    .returning({ id: passwordLinks.id });
  // After '#': a browser never sends the fragment, so the token reaches no server log or proxy.
  const url = `${opts.publicUrl}/login/password#token=${encodeURIComponent(token)}`;
  const { companyName } = await readSettings(tx);
  const mail = await queueMail(tx, {
    to: user.email,
    toName: user.name,
    ...linkMail(user, purpose, url, opts.sentBy ?? null, companyName ?? 'Steward'),
    autoSubmitted: true,
  });
  // Held: no SMTP server, the mail waits on the Mail page (the admin hands the link over).
  return { id: link!.id, expiresAt, held: mail.status === 'held' };
}

/**
 * Issues a link on behalf of `actor` (an admin, or Steward itself from the CLI), signed with
 * their name in the mail, and records it.
 */
export async function sendPasswordLinkAs(
  tx: Database,
  actor: Actor,
  user: LinkUser,
  purpose: PasswordLinkPurpose,
  publicUrl: string,
): Promise<{ id: string; expiresAt: Date; held: boolean }> {
  const [sender] = actor.userId
    ? await rows<{ id: string; name: string }>(tx, sql`select id, name from users where id = ${actor.userId}`)
    : [];
  const link = await issuePasswordLink(tx, user, purpose, { publicUrl, sentBy: sender ?? null });
  await recordDomainEvent(tx, actor, {
    type: 'user.password_link_sent',
    entityType: 'user',
    entityId: user.id,
    data: { purpose, by: 'admin', linkId: link.id },
  });
  return link;
}

/**
 * "Forgot your password?": queues a reset mail for the live staff login with this address, if
 * any. Always resolves the same way for the caller; the outcome is for logs and tests only.
 */
export async function requestPasswordReset(
  db: Database,
  opts: { email: string; ip: string; publicUrl: string; now?: Date },
): Promise<{ outcome: PasswordResetOutcome }> {
  const started = Date.now();
  const email = opts.email.trim().toLowerCase();
  await assertLinkRequestRate(db, 'password_reset', { ip: opts.ip, email }, PASSWORD_RESET_RATE);
  const outcome = await db.transaction(async (tx): Promise<PasswordResetOutcome> => {
    const user = await findLiveUserByEmail(tx, email);
    if (!user) return 'unknown_address';
    if (user.role === 'customer') return 'customer_login';
    if (!user.active) return 'login_disabled';
    const link = await issuePasswordLink(tx, user, 'reset', {
      publicUrl: opts.publicUrl,
      selfService: true,
      ip: opts.ip,
      ...(opts.now ? { now: opts.now } : {}),
    });
    await recordDomainEvent(tx, SYSTEM_ACTOR, {
      type: 'user.password_link_sent',
      entityType: 'user',
      entityId: user.id,
      data: { purpose: 'reset', by: 'self', linkId: link.id, ip: opts.ip },
    });
    return 'sent';
  });
  await answerNoSoonerThan(started, PASSWORD_RESET_MIN_MS);
  return { outcome };
}

interface PasswordLinkRow extends ClaimedLink {
  purpose: PasswordLinkPurpose;
  expiresAt: Date;
}

/** The live link of this token (used up when `claim`), or the error saying why it does not work. */
async function liveLink(tx: Database, token: string, opts: { claim: boolean }): Promise<PasswordLinkRow> {
  const tokenHash = hashToken(token);
  const [link] = await rows<PasswordLinkRow>(
    tx,
    opts.claim
      ? sql`update password_links set ended_at = now(), ended_reason = 'used'
          where token_hash = ${tokenHash} and ended_at is null and expires_at > now()
          returning id, user_id as "userId", purpose, expires_at as "expiresAt"`
      : sql`select id, user_id as "userId", purpose, expires_at as "expiresAt" from password_links
          where token_hash = ${tokenHash} and ended_at is null and expires_at > now()`,
  );
  if (link) return link;
  const [gone] = await rows<{ ended_reason: LinkRefusal | null }>(
    tx,
    sql`select ended_reason from password_links where token_hash = ${tokenHash}`,
  );
  throw linkRefused(gone ? (gone.ended_reason ?? 'expired') : 'invalid');
}

const usableUser = (user: Awaited<ReturnType<typeof findUserById>>) =>
  user && user.active && user.role !== 'customer' ? user : null;

/** What a link is for and whose it is, for the page it opens; nothing is used up. */
export async function checkPasswordLink(db: Database, token: string) {
  return db.transaction(async (tx) => {
    const link = await liveLink(tx, token, { claim: false });
    const user = usableUser(await findUserById(tx, link.userId));
    if (!user) throw accountDisabled();
    return {
      purpose: link.purpose,
      email: user.email,
      name: user.name,
      expiresAt: new Date(link.expiresAt).toISOString(),
    };
  });
}

/**
 * Uses a link: sets the password, ends every other session and API token of the user (someone
 * else may have known the old password) and signs in, in one transaction: with two-step sign-in
 * the answer is its challenge, not yet a session (a mailbox is not the second factor). Unknown token: 400
 * `link_invalid`; 410 `link_used`, `link_replaced`, `link_revoked`, `link_expired`; the account
 * disabled since: 403 `account_disabled` (the link is used up all the same).
 */
export async function completePasswordLink(
  db: Database,
  opts: { token: string; password: string; ttlSeconds: number } & SignInClient,
) {
  const passwordHash = await hashPassword(opts.password);
  const signedIn = await signInByLink(db, {
    claim: (tx) => liveLink(tx, opts.token, { claim: true }),
    userOf: async (tx, link) => usableUser(await findUserById(tx, link.userId)),
    refusedEvent: 'user.password_link_refused',
    use: async (tx, link, user) => {
      await tx.update(users).set({ passwordHash, updatedAt: nextVersion() }).where(eq(users.id, user.id));
      // Before the new session opens: it is the one left.
      const endedTokens = await revokeTokensOfUser(tx, user.id);
      return { event: 'user.password_changed', data: { by: link.purpose, endedTokens } };
    },
    ttlSeconds: opts.ttlSeconds,
    client: opts,
  });
  return { step: signedIn.step, user: { ...signedIn.user, passwordHash } };
}
