// The line that tells reply templates apart in a list. Most templates open with the same greeting
// ("Hello {{customer.firstName}},"), so their first lines are all alike: the preview is the first
// line after the greeting. Shown with its placeholders filled by the renderer a reply uses
// (core/replies/reply-templates.ts): from the case when picked on one, else from sample facts the
// page says are samples. Pure.
import { renderReply, type ReplyFacts } from '../../core/replies/reply-templates.js';

/** Words a greeting opens with, compared without case. */
const GREETINGS =
  /^(hello|hi|hey|dear|good (morning|afternoon|evening)|hallo|liebe[rs]?|sehr geehrte[rs]?|kære|hej|bonjour|hola|estimad[oa]s?)\b/i;
/** A greeting is one short line ending in a comma (or an exclamation mark). */
const MAX_GREETING_LENGTH = 60;

const isGreeting = (line: string) =>
  line.length <= MAX_GREETING_LENGTH && /[,!]$/.test(line) && GREETINGS.test(line);

/** The first line of `body` that says something: not blank, not the greeting. */
export function templatePreview(body: string): string {
  const lines = body
    .split('\n')
    .map((l) => l.trim())
    .filter((l) => l !== '');
  const first = lines[0] ?? '';
  return isGreeting(first) ? (lines[1] ?? first) : first;
}

/** The preview of a template as it reads filled from these facts (a case's, or the samples). */
export const filledPreview = (body: string, facts: ReplyFacts): string =>
  templatePreview(renderReply(body, facts).body);

/**
 * Facts for previews where there is no case (the templates page): plainly samples, so nobody
 * takes them for a customer's. The agent is the person looking.
 */
export const sampleReplyFacts = (agentName: string): ReplyFacts => ({
  case: { number: 1234, subject: 'Sample subject' },
  customer: { name: 'Sam Sample', email: 'sam.sample@example.com' },
  organization: { name: 'Sample Company' },
  agent: { name: agentName },
});
