// The reply templates' placeholders in the words of the UI.
import type { REPLY_TEMPLATE_VARIABLES } from '../../shared/schemas/reply-templates.js';

/** What each placeholder stands for. */
export const PLACEHOLDER_HINTS: Record<(typeof REPLY_TEMPLATE_VARIABLES)[number], string> = {
  'customer.name': 'the customer’s name',
  'customer.firstName': 'their first name',
  'customer.email': 'their e-mail address',
  'organization.name': 'their organization',
  'case.number': 'the case number',
  'case.subject': 'the case’s subject',
  'agent.name': 'your name',
  'agent.firstName': 'your first name',
};
