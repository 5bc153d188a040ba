// The line that tells reply templates apart in a list. Most templates open with the same greeting
// ("Hello {{customer.firstName}},"), so their first lines are all alike: the preview is the first
// line after the greeting. Pure.

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
