import type { Role } from '../../shared/schemas/users.js';

/** Who is acting: the signed-in user (with what a policy needs to know), or the system. */
export interface Actor {
  kind: 'user' | 'system';
  userId: string | null;
  role: Role | 'system';
  /** For role customer: their customer record, organization and whether they may see it. */
  customerId: string | null;
  organizationId: string | null;
  organizationAccess: boolean;
  tokenId: string | null;
  /** Signed in with a read-only API token: GET requests only (enforced for every route). */
  readOnly: boolean;
}

export const SYSTEM_ACTOR: Actor = {
  kind: 'system',
  userId: null,
  role: 'system',
  customerId: null,
  organizationId: null,
  organizationAccess: false,
  tokenId: null,
  readOnly: false,
};

export const isStaff = (actor: Actor) =>
  actor.role === 'admin' || actor.role === 'agent' || actor.role === 'system';
export const isAdmin = (actor: Actor) => actor.role === 'admin' || actor.role === 'system';
