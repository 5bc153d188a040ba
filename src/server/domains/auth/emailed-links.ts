// What the two kinds of e-mailed link share once the link comes back: staff's password links
// (./password-links.ts) and customers' sign-in links (../portal/magic-links.ts). Using a link is
// one transaction: claim it (one UPDATE … WHERE not ended, so of two requests racing with the
// same link exactly one wins), check its user may still sign in, do the kind's own work, open a
// session and record it. A link whose user may no longer sign in stays used up, and the refusal
// is recorded, so it cannot be tried again. A staff member with two-step sign-in gets its
// challenge instead of a session (openSignIn): a new password does not pass the second step by.
import type { Database } from '../../../db/client.js';
import type { DomainEventType } from '../../../shared/schemas/audit.js';
import { SYSTEM_ACTOR } from '../../lib/actor.js';
import { AppError } from '../../lib/errors.js';
import { recordDomainEvent } from '../domain-events/domain-events.repo.js';
import { openSignIn, type SignInClient, type SignInStep } from './auth.service.js';

/** Why a link does not work: `invalid` (no such token), or how it ended. */
export type LinkRefusal = 'invalid' | 'used' | 'replaced' | 'revoked' | 'expired';

const REFUSALS: Record<LinkRefusal, { status: number; says: (noun: string) => string }> = {
  invalid: { status: 400, says: (noun) => `this ${noun} is not valid: ask for a new one` },
  used: { status: 410, says: (noun) => `this ${noun} was used already: ask for a new one` },
  replaced: { status: 410, says: () => 'a newer link was sent since: use the one in the latest mail' },
  revoked: {
    status: 410,
    says: () => 'the password was changed or the account disabled since this link was sent',
  },
  expired: { status: 410, says: (noun) => `this ${noun} has expired: ask for a new one` },
};

/** The error answering a link that does not work: 400 `link_invalid`, else 410 `link_<reason>`. */
export function linkRefused(reason: LinkRefusal, noun = 'link'): AppError {
  const refusal = REFUSALS[reason];
  return new AppError(refusal.status, `link_${reason}`, refusal.says(noun));
}

export const accountDisabled = () => new AppError(403, 'account_disabled', 'this account is disabled');

export interface ClaimedLink {
  id: string;
  userId: string;
}

/**
 * Uses a link and signs its user in. `claim` marks the link used and returns it, or throws the
 * `linkRefused` error; `userOf` returns the user if they may still sign in, else null (403
 * `account_disabled`, committed with the link used up and `refusedEvent` recorded); `use` does
 * the kind's own work before the session opens (a new password) and names the event recorded
 * after it, whose data also gets the link's, the session's ids and the client's address.
 */
export async function signInByLink<L extends ClaimedLink, U extends { id: string; role: string }>(
  db: Database,
  spec: {
    claim: (tx: Database) => Promise<L>;
    userOf: (tx: Database, link: L) => Promise<U | null>;
    refusedEvent: DomainEventType;
    use: (
      tx: Database,
      link: L,
      user: U,
    ) => Promise<{ event: DomainEventType; data?: Record<string, unknown> }>;
    ttlSeconds: number;
    client: SignInClient;
  },
): Promise<{ step: SignInStep; user: U }> {
  const result = await db.transaction(async (tx) => {
    const link = await spec.claim(tx);
    const user = await spec.userOf(tx, link);
    if (!user) {
      await recordDomainEvent(tx, SYSTEM_ACTOR, {
        type: spec.refusedEvent,
        entityType: 'user',
        entityId: link.userId,
        data: { linkId: link.id, ip: spec.client.ip },
      });
      return null;
    }
    const used = await spec.use(tx, link, user);
    const step = await openSignIn(tx, user, {
      ttlSeconds: spec.ttlSeconds,
      client: { ip: spec.client.ip, userAgent: spec.client.userAgent },
    });
    await recordDomainEvent(tx, SYSTEM_ACTOR, {
      type: used.event,
      entityType: 'user',
      entityId: user.id,
      data: {
        ...used.data,
        linkId: link.id,
        ip: spec.client.ip,
        ...(step.kind === 'session' ? { tokenId: step.tokenId } : { challengeId: step.challengeId }),
      },
    });
    return { step, user };
  });
  if (!result) throw accountDisabled();
  return result;
}
