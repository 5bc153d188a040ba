// The API's answer to a way in that worked (password, e-mailed link): the session, or the second
// step it waits for, as the routes send it.
import type { LoginResponse, SignInAnswer } from '../../../shared/schemas/users.js';
import { toUserDto } from '../users/users.service.js';
import type { SignInStep } from './auth.service.js';

type UserRow = Parameters<typeof toUserDto>[0];

export function signInAnswer(step: SignInStep, user: UserRow): SignInAnswer {
  if (step.kind === 'session') return sessionAnswer(step, user);
  const expiresAt = step.expiresAt.toISOString();
  return step.kind === 'two_step'
    ? { twoStepRequired: true, challenge: step.challenge, expiresAt }
    : { twoStepSetupRequired: true, challenge: step.challenge, expiresAt };
}

/** A session's answer; for the ways in only customers use (they have no second step). */
export function sessionAnswer(step: SignInStep, user: UserRow): LoginResponse {
  if (step.kind !== 'session') throw new Error(`a ${user.role} login has no second step here`);
  return { token: step.token, expiresAt: step.expiresAt.toISOString(), user: toUserDto(user) };
}
