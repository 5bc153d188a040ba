// Who may do what with mailboxes: the addresses customers write to and the IMAP credentials
// behind them are admin business. Agents and customers have no part in them (agents read the
// mail itself through the mail log, see mail.service.ts).
import type { Actor } from '../../lib/actor.js';
import { isAdmin } from '../../lib/actor.js';
import { forbidden } from '../../lib/errors.js';

export function assertCanManageMailboxes(actor: Actor) {
  if (!isAdmin(actor)) throw forbidden('only admins manage mailboxes');
}
