// The words of the automatic acknowledgement of a new request (a case opened by e-mail or by the
// web form): its number, when the customer hears from us if the case's agreement promises a
// first answer (in the customer's time zone, else the agreement calendar's), and how to add to
// it. Pure: the clock `now` is given. It never echoes the sender's words — not the message, not
// the subject, not the name they gave: anyone can write in (or fill the form in) with someone
// else's address, and an acknowledgement must not carry a stranger's text to them from our
// domain (the "help desk relay" spam that hit hosted help desks).
import { formatWhen, validZone } from '../portal/plain-state.js';
import { customerWords } from './customer-words.js';

export interface AcknowledgementFacts {
  number: number;
  /** When the first answer is due (a running first-response clock), or null: no promise. */
  answerBy: Date | null;
  /** The zone to write the time in (the customer's chain, customerZoneOf); null or unknown: UTC. */
  timeZone: string | null;
  portalUrl: string;
  now: Date;
  /** The language to write in (`mailLanguage`); English when not given. */
  language?: string;
}

export function acknowledgementText(a: AcknowledgementFacts): string {
  const w = customerWords(a.language ?? 'en');
  // formatWhen writes " UTC" itself; another zone is named after the time.
  const zone = validZone(a.timeZone);
  const promise =
    a.answerBy && a.answerBy.getTime() > a.now.getTime()
      ? w.answerBy(`${formatWhen(a.answerBy, a.now, zone, w.locale)}${zone === 'UTC' ? '' : ` (${zone})`}`)
      : w.answerSoon;
  return [w.haveRequest(a.number), promise, '', w.addToIt, w.yourRequests(`${a.portalUrl}/portal`)].join(
    '\n',
  );
}

/** The acknowledgement's subject: the case's number and our words ("Re: " when it answers a mail). */
export const acknowledgementSubject = (language = 'en') => customerWords(language).acknowledgementSubject;

/** Addresses nobody reads (noreply@, do-not-reply@, mailer-daemon@, postmaster@, bounce@…). */
const UNREAD = /^(no[-_.]?reply|do[-_.]?not[-_.]?reply|mailer[-_.]?daemon|postmaster|bounces?)([+-].*)?$/i;

/** Whether an acknowledgement to this address would reach someone: not to noreply@ and the like. */
export function acknowledgeable(address: string): boolean {
  const at = address.lastIndexOf('@');
  return at > 0 && !UNREAD.test(address.slice(0, at));
}
