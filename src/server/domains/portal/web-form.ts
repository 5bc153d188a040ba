// The embeddable web form: anyone may write in, without an account. The sender becomes (or is
// found as) a customer by e-mail, matched to an organization by the address's domain, and the
// request a case through openOrJoinCase (channel web), with its files, in one transaction, with
// an acknowledgement mail on the case's thread.
// Spam: a rate limit per client IP (counted in the database, so every node agrees), a honeypot
// field people never see, and the blocked senders — a submission that fills the field or comes
// from a blocked address is answered like a real one but creates nothing, and is logged.
import type { FastifyBaseLogger } from 'fastify';
import { sql } from 'drizzle-orm';
import type { Database } from '../../../db/client.js';
import { rows } from '../../../db/client.js';
import { PORTAL_LIMITS, type WebFormInput, type WebFormResult } from '../../../shared/schemas/portal.js';
import { SYSTEM_ACTOR } from '../../lib/actor.js';
import { unprocessable } from '../../lib/errors.js';
import { assertWithinRate } from '../../lib/rate-limit.js';
import { storeAttachments } from '../cases/attachments.service.js';
import { openOrJoinCase } from '../cases/proactive-contact.js';
import { recordDomainEvent } from '../domain-events/domain-events.repo.js';
import { queueAcknowledgement } from '../mail/acknowledgement.js';
import { findOrCreateCustomerByEmail } from './contacts.js';
import { blockedPatternOf } from '../mail/blocked-senders.service.js';
import { decodeFiles } from './files.js';

const thanks = (n: number) =>
  `Thank you — we have your request #${n}. We will answer by e-mail; keep the number for reference.`;

/** Counts a submission against the client's allowance (429 with retry-after when spent). */
export const assertWebFormRate = (db: Database, ip: string) =>
  assertWithinRate(db, {
    action: 'web_form',
    clientKey: ip,
    max: PORTAL_LIMITS.webFormPerIp,
    windowSeconds: PORTAL_LIMITS.webFormWindowSeconds,
  });

export async function submitWebForm(
  db: Database,
  input: WebFormInput,
  ctx: { ip: string; log?: FastifyBaseLogger },
): Promise<WebFormResult> {
  // A robot filled the field people do not see, or the sender is blocked (marked as spam): a
  // plausible answer (a number from the case sequence, so it looks like any other) and nothing else.
  const why =
    input.website && input.website.trim() !== ''
      ? 'honeypot filled'
      : await blockedPatternOf(db, input.email.trim().toLowerCase()).then(
          (p) => p && `blocked sender (${p})`,
        );
  if (why) {
    const [n] = await rows<{ n: number }>(
      db,
      sql`select nextval(pg_get_serial_sequence('cases', 'number'))::bigint as n`,
    );
    ctx.log?.warn(
      { ip: ctx.ip, email: input.email, subject: input.subject.slice(0, 80) },
      `web form: ${why}, nothing created`,
    );
    return { caseNumber: Number(n!.n), message: thanks(Number(n!.n)) };
  }
  const files = decodeFiles(input.files ?? []);
  const result = await db.transaction(async (tx) => {
    if (input.team) {
      const [team] = await rows<{ id: string }>(
        tx,
        sql`select id from teams where id = ${input.team} and deleted_at is null`,
      );
      if (!team) throw unprocessable('invalid_reference', 'team: the form names a team that does not exist');
    }
    const contact = await findOrCreateCustomerByEmail(tx, SYSTEM_ACTOR, {
      email: input.email,
      name: input.name,
      language: input.language ?? null,
      source: 'web_form',
    });
    const opened = await openOrJoinCase(tx, SYSTEM_ACTOR, {
      subject: input.subject,
      customerId: contact.id,
      channel: 'web',
      ...(input.category ? { category: input.category } : {}),
      ...(input.team ? { teamId: input.team } : {}),
      message: { body: input.message, from: 'customer' },
    });
    if (!opened.messageId) throw new Error('the message of the web form is missing');
    const { stored } = await storeAttachments(
      tx,
      { caseId: opened.case.id, messageId: opened.messageId },
      files,
    );
    await recordDomainEvent(tx, SYSTEM_ACTOR, {
      type: 'case.web_form_received',
      entityType: 'case',
      entityId: opened.case.id,
      data: {
        messageId: opened.messageId,
        customerId: contact.id,
        newCustomer: contact.created,
        joined: opened.joined,
        attachments: stored.map((s) => s.id),
        ip: ctx.ip,
      },
    });
    // The sender hears from us at once, on the case's thread: a reply to this mail adds to the
    // request (its reply address carries the case's token). It names the request by its number
    // only, never echoing the sender's words: a form anyone can fill must not mail anyone anything.
    await queueAcknowledgement(tx, { caseId: opened.case.id, to: input.email, reply: false });
    return opened.case.number;
  });
  return { caseNumber: result, message: thanks(result) };
}
