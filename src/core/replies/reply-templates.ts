// Reply templates (saved replies): text an agent inserts into a reply, with placeholders filled
// from the case it is used on. Contract: a template names only the variables listed in
// `REPLY_TEMPLATE_VARIABLES` (`unknownPlaceholders` finds any other, for the check on saving);
// `renderReply` fills them from the case's facts and lists those that had no value (rendered as
// nothing, so the agent sees what to write in by hand). Pure: no I/O; placeholder syntax and
// lookup are the rule templates' (`../rules/templates.ts`).
import { REPLY_TEMPLATE_VARIABLES } from '../../shared/schemas/reply-templates.js';
import { lookup, placeholdersOf, renderTemplate } from '../rules/templates.js';

export { REPLY_TEMPLATE_VARIABLES };

/** What a template is filled from: the case, its customer and organization, the agent using it. */
export interface ReplyFacts {
  case: { number: number; subject: string };
  customer: { name: string | null; email: string | null };
  organization: { name: string } | null;
  agent: { name: string };
}

const KNOWN = new Set<string>(REPLY_TEMPLATE_VARIABLES);

/** The placeholders of a template that are not variables of reply templates, in order of appearance. */
export function unknownPlaceholders(body: string): string[] {
  return placeholdersOf(body).filter((p) => !KNOWN.has(p));
}

/** "Ada" of "Ada Lovelace"; a name without spaces is its own first name. */
const firstNameOf = (name: string | null) => name?.trim().split(/\s+/)[0] || null;

export function replyVariables(facts: ReplyFacts): Record<string, unknown> {
  return {
    case: { number: facts.case.number, subject: facts.case.subject },
    customer: {
      name: facts.customer.name?.trim() || null,
      firstName: firstNameOf(facts.customer.name),
      email: facts.customer.email,
    },
    organization: { name: facts.organization?.name ?? null },
    agent: { name: facts.agent.name, firstName: firstNameOf(facts.agent.name) },
  };
}

export interface RenderedReply {
  body: string;
  /** Variables the template names that had no value on this case (rendered as nothing). */
  missing: string[];
}

export function renderReply(body: string, facts: ReplyFacts): RenderedReply {
  const vars = replyVariables(facts);
  const missing = placeholdersOf(body).filter((p) => {
    const value = lookup(vars, p);
    return value === undefined || value === null || value === '';
  });
  return { body: renderTemplate(body, vars), missing };
}
