// The automatic acknowledgement of a new request, queued in the transaction that opened the case
// (web form always; a mail that opens a case while the `acknowledgeNewMail` setting is on). It
// threads onto the case's mail (Reply-To the case's reply address, In-Reply-To the customer's
// mail) and is marked Auto-Submitted, so auto-responders do not answer it. At most
// ACKNOWLEDGEMENT_RATE per address in an hour: a sender (or a loop that slipped past the
// auto-reply checks) opening case after case is not answered every time. Never to noreply@ and
// the like (`acknowledgeable`): nobody reads it, and it may bounce. Nor to a customer who turned
// it off (their mail preferences, `customers.mail_acknowledgements`): it is ours to send, not an
// answer, and the request is theirs on the portal all the same.
import { sql } from 'drizzle-orm';
import { rows, type Database } from '../../../db/client.js';
import {
  acknowledgeable,
  acknowledgementSubject,
  acknowledgementText,
} from '../../../core/mail/acknowledgement.js';
import { mailLanguage } from '../../../shared/mail-languages.js';
import { COMPANY_CUSTOMER_LANGUAGE } from '../settings/customer-language.js';
import { customerZoneOf } from '../agreements/agreements.repo.js';
import { withinRate } from '../../lib/rate-limit.js';
import { caseMailSubject } from './compose.js';
import { mailSettings, queueMail } from './outbox.js';

export const ACKNOWLEDGEMENT_RATE = { max: 5, windowSeconds: 3600 } as const;

/**
 * Queues the acknowledgement of case `caseId` to `to` (the bare address: the name given is the
 * sender's text too); `reply`: the subject answers their mail ("Re: [#n] …"). Returns false
 * when nothing was queued: the case's customer turned acknowledgements off, or the address had
 * its allowance this hour.
 */
export async function queueAcknowledgement(
  tx: Database,
  opts: { caseId: string; to: string; reply: boolean; now?: Date },
): Promise<boolean> {
  const to = opts.to.trim().toLowerCase();
  if (!acknowledgeable(to)) return false;
  // Before the allowance: a mail not sent spends none of it.
  const [wanted] = await rows<{ on: boolean }>(
    tx,
    sql`select cu.mail_acknowledgements as on from cases c join customers cu on cu.id = c.customer_id
      where c.id = ${opts.caseId}`,
  );
  if (!wanted?.on) return false;
  const within = await withinRate(tx, { action: 'acknowledgement', clientKey: to, ...ACKNOWLEDGEMENT_RATE });
  if (!within.ok) return false;
  const [c] = await rows<{
    number: number;
    zone: string;
    answer_by: Date | string | null;
    language: string | null;
    company_language: string | null;
  }>(
    tx,
    // The customer's zone chain, as their portal: the company's step never shows, as only a case
    // under an agreement (whose calendar has a zone) has a first answer to promise.
    sql`select c.number, ${customerZoneOf({ own: sql`cu.time_zone`, calendar: sql`cal.timezone` })} as zone,
        cu.language,
        ${COMPANY_CUSTOMER_LANGUAGE} as company_language,
        (select p.due_at from case_promises p where p.case_id = c.id and p.kind = 'first_response'
          and p.state = 'active' and p.met_at is null order by p.cycle desc limit 1) as answer_by
      from cases c join customers cu on cu.id = c.customer_id
      left join agreements a on a.id = c.agreement_id
      left join calendars cal on cal.id = a.calendar_id
      where c.id = ${opts.caseId}`,
  );
  if (!c) return false;
  // In the case customer's language (the address is theirs, or one they wrote from).
  const language = mailLanguage(c.language, c.company_language);
  await queueMail(tx, {
    to,
    toName: null,
    subject: caseMailSubject(c.number, acknowledgementSubject(language), opts.reply),
    text: acknowledgementText({
      language,
      number: c.number,
      answerBy: c.answer_by ? new Date(c.answer_by) : null,
      timeZone: c.zone,
      portalUrl: mailSettings().publicUrl,
      now: opts.now ?? new Date(),
    }),
    caseId: opts.caseId,
    autoSubmitted: true,
  });
  return true;
}
