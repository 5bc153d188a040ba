// Who may do what with operational events and their sources. Sources and their credentials are
// admin business; staff read events and may send them on a source's behalf (`?source=`);
// customers have no part in either.
import type { Actor } from '../../lib/actor.js';
import { isAdmin, isStaff } from '../../lib/actor.js';
import { forbidden } from '../../lib/errors.js';

export function assertCanManageSources(actor: Actor) {
  if (!isAdmin(actor)) throw forbidden('only admins manage event sources');
}

export function assertCanReadEvents(actor: Actor) {
  if (!isStaff(actor)) throw forbidden('customers cannot read operational events');
}

export function assertCanSendEvents(actor: Actor) {
  if (!isStaff(actor)) throw forbidden('customers cannot send operational events');
}
