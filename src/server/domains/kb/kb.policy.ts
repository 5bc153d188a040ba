// Who may do what in the knowledge base. Staff (agents and admins) write drafts, publish and
// read everything, including the report and suggestions for a case; categories are admin
// business. Readers (anyone, signed in or not) see only what is published: the help center's
// queries cannot return anything else, so they need no check here.
import type { Actor } from '../../lib/actor.js';
import { isAdmin, isStaff } from '../../lib/actor.js';
import { forbidden } from '../../lib/errors.js';

export function assertCanAuthor(actor: Actor) {
  if (!isStaff(actor)) throw forbidden('only agents and admins write knowledge-base articles');
}

export function assertCanManageCategories(actor: Actor) {
  if (!isAdmin(actor)) throw forbidden('only admins manage knowledge-base categories');
}

export function assertCanReadKbStaffViews(actor: Actor) {
  if (!isStaff(actor)) throw forbidden('customers see the help center, not the knowledge-base workspace');
}
