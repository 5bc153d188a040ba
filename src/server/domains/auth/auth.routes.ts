import { z } from 'zod';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { IdParams } from '../../../shared/schemas/common.js';
import {
  ApiToken,
  ApiTokenCreate,
  ApiTokenCreated,
  LoginRequest,
  LoginResponse,
  RecoveryCodes,
  SetupSignedIn,
  SignInAnswer,
  TwoStepChallengeBody,
  TwoStepChallengeConfirm,
  TwoStepConfirm,
  TwoStepDisable,
  TwoStepLogin,
  TwoStepSetup,
  TwoStepStatus,
  Me,
  MeUpdate,
  PasswordChange,
  PasswordChanged,
  PasswordLinkCheck,
  PasswordLinkComplete,
  PasswordLinkInfo,
  PasswordResetRequest,
  PasswordResetRequested,
  SessionList,
  SessionsEnded,
} from '../../../shared/schemas/users.js';
import { ErrorBody } from '../../../shared/schemas/common.js';
import { ADMIN, AUTHED, STAFF, actorOf, errors } from '../../lib/http.js';
import { assertWithinRate } from '../../lib/rate-limit.js';
import type { RouteDeps } from '../../routes.js';
import { getMe, toUserDto, updateMe } from '../users/users.service.js';
import { signInAnswer } from './sign-in-answer.js';
import * as twoStep from './two-step.service.js';
import * as auth from './auth.service.js';
import { signInClient } from './devices.js';
import { keysOf } from './secret-box.js';
import {
  PASSWORD_RESET_ANSWER,
  checkPasswordLink,
  completePasswordLink,
  requestPasswordReset,
} from './password-links.js';

type TokenRow = Awaited<ReturnType<typeof auth.listApiTokens>>[number];
const toApiTokenDto = (t: TokenRow) => ({
  id: t.id,
  name: t.name,
  userId: t.userId,
  access: t.access,
  createdAt: t.createdAt.toISOString(),
  expiresAt: t.expiresAt?.toISOString() ?? null,
  lastUsedAt: t.lastUsedAt?.toISOString() ?? null,
  revokedAt: t.revokedAt?.toISOString() ?? null,
});

export const authRoutes =
  ({ db, config }: RouteDeps): FastifyPluginAsyncZod =>
  async (app) => {
    const secretKeys = keysOf(config.secretKey, config.previousSecretKeys);
    app.post(
      '/auth/login',
      {
        config: { access: 'public' },
        schema: {
          tags: ['auth'],
          summary:
            'Sign in with e-mail and password; returns a session token, or the second step it waits for',
          description:
            'A staff member with two-step sign-in gets `{twoStepRequired: true, challenge, expiresAt}` instead of a session: send the challenge with a code to /auth/login/two-step within 5 minutes. When the company requires two-step sign-in of staff (Settings) and the account has none yet: `{twoStepSetupRequired: true, challenge, expiresAt}`, a challenge that only sets it up (/auth/login/two-step/setup, then …/setup/confirm).',
          body: LoginRequest,
          response: { 200: SignInAnswer, ...errors(400, 401, 429) },
        },
      },
      async (request) => {
        const result = await auth.login(db, {
          ...request.body,
          ...signInClient(request),
          ttlSeconds: config.sessionTtlSeconds,
        });
        return signInAnswer(result.step, result.user);
      },
    );

    const sessionAnswer = (r: { token: string; expiresAt: Date; user: Parameters<typeof toUserDto>[0] }) => ({
      token: r.token,
      expiresAt: r.expiresAt.toISOString(),
      user: toUserDto(r.user),
    });
    app.post(
      '/auth/login/two-step',
      {
        config: { access: 'public' },
        schema: {
          tags: ['auth'],
          summary: 'The second step of signing in: the challenge and a code from the authenticator app',
          description:
            'Send `code` (6 digits) or `recoveryCode` (one of the codes shown when two-step sign-in was turned on; each works once). Answers like /auth/login with a session. 401 invalid_challenge (expired, used, or reset since: sign in again), invalid_code, code_used (the code of this 30-second step was used already): each a failed sign-in of the e-mail, as a wrong password; 429 while the e-mail or address is throttled (as /auth/login: 5 failures of the e-mail or 50 of the address in 15 minutes) or after 10 code checks of the user in 15 minutes. 503 two_step_unreadable: the server cannot open the stored secret (started without the key it was sealed with); a recovery code still works.',
          body: TwoStepLogin,
          response: { 200: LoginResponse, ...errors(400, 401, 429, 503) },
        },
      },
      async (request) =>
        sessionAnswer(
          await twoStep.completeTwoStepSignIn(db, {
            ...request.body,
            ttlSeconds: config.sessionTtlSeconds,
            client: signInClient(request),
            secretKey: secretKeys,
          }),
        ),
    );
    app.post(
      '/auth/login/two-step/setup',
      {
        config: { access: 'public' },
        schema: {
          tags: ['auth'],
          summary: 'Set two-step sign-in up at sign-in, when the company requires it: the QR code',
          description:
            'Only with the challenge of a `twoStepSetupRequired` answer. Each call makes a new secret (the app must scan the newest). 401 invalid_challenge.',
          body: TwoStepChallengeBody,
          response: { 200: TwoStepSetup, ...errors(400, 401, 409) },
        },
      },
      async (request) => twoStep.beginTwoStepSetupByChallenge(db, request.body.challenge, secretKeys),
    );
    app.post(
      '/auth/login/two-step/setup/confirm',
      {
        config: { access: 'public' },
        schema: {
          tags: ['auth'],
          summary: 'Confirm the setup with a code; turns two-step sign-in on and signs in',
          description:
            'Answers the session and the recovery codes (shown this once). 401 invalid_challenge, invalid_code; 409 no_setup (call …/setup first); 429 as for /auth/login/two-step; 503 two_step_unreadable as there.',
          body: TwoStepChallengeConfirm,
          response: { 200: SetupSignedIn, ...errors(400, 401, 409, 429, 503) },
        },
      },
      async (request) => {
        const result = await twoStep.confirmTwoStepSetupByChallenge(db, {
          ...request.body,
          ttlSeconds: config.sessionTtlSeconds,
          client: signInClient(request),
          secretKey: secretKeys,
        });
        return { ...sessionAnswer(result), recoveryCodes: result.recoveryCodes };
      },
    );

    app.post(
      '/auth/password-reset',
      {
        config: { access: 'public' },
        schema: {
          tags: ['auth'],
          summary: 'E-mail me a link to choose a new password (staff)',
          description:
            'Answers 202 the same way, and after the same time, whether or not the address is known. A live staff login with this address gets a mail with a link to /login/password#token=… that works once, for an hour; an earlier link of theirs asked for this way stops working (an invitation or link an admin sent does not). Customers have no password (they ask for a sign-in link: /auth/magic-link). Limited per client IP (10) and per address (3) in 15 minutes.',
          body: PasswordResetRequest,
          response: { 202: PasswordResetRequested, ...errors(400, 429) },
        },
      },
      async (request, reply) => {
        const { outcome } = await requestPasswordReset(db, {
          email: request.body.email,
          ip: request.ip,
          publicUrl: config.publicUrl,
        });
        request.log.info({ outcome }, 'password reset requested');
        return reply.status(202).send({ message: PASSWORD_RESET_ANSWER });
      },
    );

    // The token travels in the body, never in a URL: the link puts it after '#', which browsers do not send.
    const linkRate = (ip: string) =>
      assertWithinRate(db, { action: 'password_link', clientKey: ip, max: 30, windowSeconds: 15 * 60 });
    app.post(
      '/auth/password-link/check',
      {
        config: { access: 'public' },
        schema: {
          tags: ['auth'],
          summary: 'What an e-mailed password link is for (invitation or reset) and whose it is',
          description:
            'Uses nothing up. 400 link_invalid (unknown token); 410 link_used, link_replaced (a newer link was sent), link_revoked (password changed or account disabled since), link_expired; 403 account_disabled.',
          body: PasswordLinkCheck,
          response: { 200: PasswordLinkInfo, 410: ErrorBody, ...errors(400, 403, 429) },
        },
      },
      async (request) => {
        await linkRate(request.ip);
        return checkPasswordLink(db, request.body.token);
      },
    );
    app.post(
      '/auth/password-link/complete',
      {
        config: { access: 'public' },
        schema: {
          tags: ['auth'],
          summary: 'Choose a password with an e-mailed link; signs in like /auth/login',
          description:
            'Single use: of two requests with the same token exactly one succeeds. Every other session and API token of the user ends. With two-step sign-in the answer is its challenge, as from /auth/login: the new password does not pass the second step by. Errors as for /auth/password-link/check; 400 validation_error when the password is too short (the link stays usable).',
          body: PasswordLinkComplete,
          response: { 200: SignInAnswer, 410: ErrorBody, ...errors(400, 403, 429) },
        },
      },
      async (request) => {
        await linkRate(request.ip);
        const result = await completePasswordLink(db, {
          token: request.body.token,
          password: request.body.password,
          ...signInClient(request),
          ttlSeconds: config.sessionTtlSeconds,
        });
        return signInAnswer(result.step, result.user);
      },
    );

    app.post(
      '/auth/logout',
      {
        schema: {
          tags: ['auth'],
          summary: 'End the session of the token used',
          response: { 204: z.null(), ...errors(401) },
        },
      },
      async (request, reply) => {
        await auth.logout(db, actorOf(request));
        return reply.status(204).send(null);
      },
    );

    app.post(
      '/auth/logout-others',
      {
        schema: {
          tags: ['auth'],
          summary: 'Sign out everywhere else: end your other sessions',
          description:
            'Ends every other sign-in session of yours; the token used stays, and so do API tokens (an admin revokes those).',
          response: { 200: SessionsEnded, ...errors(401, 403) },
        },
      },
      async (request) => auth.endOtherSessions(db, actorOf(request)),
    );

    app.get(
      '/auth/sessions',
      {
        schema: {
          tags: ['auth'],
          summary: 'Where you are signed in: your sessions that still work',
          description:
            'Each sign-in session of yours that has not ended or expired, with the browser and address it signed in from; the most recently used first. API tokens are not listed.',
          response: { 200: SessionList, ...errors(401, 403) },
        },
      },
      async (request) => {
        const actor = actorOf(request);
        if (!actor.userId) return { items: [] };
        return { items: await auth.listSessions(db, actor.userId, actor.tokenId) };
      },
    );

    app.delete(
      '/auth/sessions/:id',
      {
        schema: {
          tags: ['auth'],
          summary: 'End one of your sessions',
          description:
            'Signs that browser out. Ending the session in use is signing out. 404 for a session that is not yours or has already ended.',
          params: IdParams,
          response: { 204: z.null(), ...errors(401, 403, 404) },
        },
      },
      async (request, reply) => {
        await auth.endOwnSession(db, actorOf(request), request.params.id);
        return reply.status(204).send(null);
      },
    );

    app.post(
      '/auth/password',
      {
        schema: {
          tags: ['auth'],
          summary: 'Change your own password',
          description:
            'Proves the current password (wrong ones count as failed sign-ins), then ends every other session and API token of yours; the token used stays signed in.',
          body: PasswordChange,
          response: { 200: PasswordChanged, ...errors(400, 401, 403, 409, 422, 429) },
        },
      },
      async (request) => auth.changeOwnPassword(db, actorOf(request), { ...request.body, ip: request.ip }),
    );

    app.get(
      '/auth/two-step',
      {
        config: { access: STAFF },
        schema: {
          tags: ['auth'],
          summary: 'Whether your two-step sign-in is on (staff)',
          response: { 200: TwoStepStatus, ...errors(401, 403) },
        },
      },
      async (request) => twoStep.twoStepStatus(db, actorOf(request)),
    );
    app.post(
      '/auth/two-step/setup',
      {
        config: { access: STAFF },
        schema: {
          tags: ['auth'],
          summary: 'Begin setting up two-step sign-in: a new secret and its QR code (staff)',
          description:
            'Nothing changes at sign-in until /auth/two-step/confirm. Calling again makes a new secret. 409 two_step_on while it is on.',
          response: { 200: TwoStepSetup, ...errors(401, 403, 409) },
        },
      },
      async (request) => twoStep.beginTwoStepSetup(db, actorOf(request), secretKeys),
    );
    app.post(
      '/auth/two-step/confirm',
      {
        config: { access: STAFF },
        schema: {
          tags: ['auth'],
          summary: 'Turn two-step sign-in on with a code of the app just set up; the recovery codes, once',
          description:
            '403 invalid_code; 409 no_setup (begin first), two_step_on; 429 after 10 code checks in 15 minutes; 503 two_step_unreadable (the server cannot open the stored secret, as at /auth/login/two-step).',
          body: TwoStepConfirm,
          response: { 200: RecoveryCodes, ...errors(400, 401, 403, 409, 429, 503) },
        },
      },
      async (request) => twoStep.confirmTwoStepSetup(db, actorOf(request), request.body.code, secretKeys),
    );
    app.post(
      '/auth/two-step/disable',
      {
        config: { access: STAFF },
        schema: {
          tags: ['auth'],
          summary: 'Turn your two-step sign-in off, with your password or a current code',
          description:
            'Send `password` or `code`. 403 wrong_password (counts as a failed sign-in), invalid_code, code_used; 409 two_step_off, two_step_required (the company requires it: an admin can reset it); 429; 503 two_step_unreadable with `code` (the server cannot open the stored secret, as at /auth/login/two-step; the password still turns it off).',
          body: TwoStepDisable,
          response: { 204: z.null(), ...errors(400, 401, 403, 409, 429, 503) },
        },
      },
      async (request, reply) => {
        await twoStep.disableTwoStep(db, actorOf(request), request.body, request.ip, secretKeys);
        return reply.status(204).send(null);
      },
    );
    app.post(
      '/auth/two-step/recovery-codes',
      {
        config: { access: STAFF },
        schema: {
          tags: ['auth'],
          summary: 'New recovery codes (the old ones stop working), with a current code',
          description:
            '403 invalid_code, code_used; 409 two_step_off; 429; 503 two_step_unreadable (the server cannot open the stored secret, as at /auth/login/two-step).',
          body: TwoStepConfirm,
          response: { 200: RecoveryCodes, ...errors(400, 401, 403, 409, 429, 503) },
        },
      },
      async (request) => twoStep.regenerateRecoveryCodes(db, actorOf(request), request.body.code, secretKeys),
    );

    app.get(
      '/auth/me',
      { schema: { tags: ['auth'], summary: 'Who am I', response: { 200: Me, ...errors(401) } } },
      async (request) => getMe(db, actorOf(request)),
    );

    app.patch(
      '/auth/me',
      {
        config: { access: STAFF },
        schema: {
          tags: ['auth'],
          summary: 'Change what you keep of yourself: your e-mail signature (staff)',
          body: MeUpdate,
          response: { 200: Me, ...errors(400, 401, 403) },
        },
      },
      async (request) => updateMe(db, actorOf(request), request.body),
    );

    app.get(
      '/auth/tokens',
      {
        config: { access: ADMIN },
        schema: {
          tags: ['auth'],
          summary: 'API tokens for integrations',
          response: { 200: z.object({ items: z.array(ApiToken) }), ...errors(...AUTHED) },
        },
      },
      async () => ({ items: (await auth.listApiTokens(db)).map(toApiTokenDto) }),
    );

    app.post(
      '/auth/tokens',
      {
        config: { access: ADMIN },
        schema: {
          tags: ['auth'],
          summary: 'Create a long-lived API token (the token is shown once)',
          description:
            '422 invalid_reference: no such user (userId); 409 account_disabled: the user is disabled.',
          body: ApiTokenCreate,
          response: { 201: ApiTokenCreated, ...errors(...AUTHED, 409, 422) },
        },
      },
      async (request, reply) => {
        const created = await auth.createApiToken(db, actorOf(request), request.body);
        return reply.status(201).send({ ...toApiTokenDto(created.row), token: created.token });
      },
    );

    app.delete(
      '/auth/tokens/:id',
      {
        config: { access: ADMIN },
        schema: {
          tags: ['auth'],
          summary: 'Revoke an API token',
          params: IdParams,
          response: { 204: z.null(), ...errors(...AUTHED, 404) },
        },
      },
      async (request, reply) => {
        await auth.revokeApiToken(db, actorOf(request), request.params.id);
        return reply.status(204).send(null);
      },
    );
  };
