// Who may do what with signal rules, signals, commitments and the proactive board and KPIs. Staff
// read all of it and handle signals (dismiss, resolve); only admins write rules and try them
// out (a dry run reads every customer's events); customers have no part in any of it.
import type { Actor } from '../../lib/actor.js';
import { isAdmin, isStaff } from '../../lib/actor.js';
import { forbidden } from '../../lib/errors.js';

export function assertCanReadProactive(actor: Actor) {
  if (!isStaff(actor)) throw forbidden('customers cannot see rules, signals or commitments');
}

export function assertCanManageRules(actor: Actor) {
  if (!isAdmin(actor)) throw forbidden('only admins write signal rules and try them out');
}

export function assertCanHandleSignals(actor: Actor) {
  if (!isStaff(actor)) throw forbidden('only staff dismiss or resolve signals');
}

export function assertCanHandleCommitments(actor: Actor) {
  if (!isStaff(actor)) throw forbidden('only staff open cases for commitments');
}
