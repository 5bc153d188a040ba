import { z } from 'zod';
import { Email, Id, IsoDateTime, LIMITS, Name } from './common.js';

export const ROLES = ['admin', 'agent', 'customer'] as const;
export const Role = z.enum(ROLES);
export type Role = z.infer<typeof Role>;

export const Password = z
  .string()
  .min(LIMITS.password.min, `must be at least ${LIMITS.password.min} characters`)
  .max(LIMITS.password.max);

export const User = z.object({
  id: Id,
  email: z.string(),
  name: z.string(),
  role: Role,
  customerId: Id.nullable(),
  active: z.boolean(),
  createdAt: IsoDateTime,
  updatedAt: IsoDateTime,
});
export type User = z.infer<typeof User>;

export const SIGN_IN_STATES = ['active', 'not_signed_in', 'invited', 'no_password', 'disabled'] as const;
export type SignInState = (typeof SIGN_IN_STATES)[number];

/**
 * How a login stands, from what the list knows of it: `disabled`; `invited` (no password, an
 * invitation still works) and `no_password` (none, no invitation) cannot sign in yet;
 * `not_signed_in` has a password (an admin gave it) but was never used; `active` has signed in.
 * "Never signed in" is read from the user's last sign-in, kept when their sessions are pruned.
 */
export function signInStateOf(u: {
  active: boolean;
  passwordSet: boolean;
  lastActiveAt: string | null;
  pendingLink: { purpose: 'invitation' | 'reset' } | null;
}): SignInState {
  if (!u.active) return 'disabled';
  if (!u.passwordSet) return u.pendingLink?.purpose === 'invitation' ? 'invited' : 'no_password';
  return u.lastActiveAt === null ? 'not_signed_in' : 'active';
}

/** A login in the admins' list: when it was last active, to spot accounts nobody uses. */
export const UserListItem = User.extend({
  lastActiveAt: IsoDateTime.nullable().describe(
    'the latest use of any of its sign-in sessions (to the minute), or its last sign-in, whichever is later; null if it never signed in',
  ),
  passwordSet: z
    .boolean()
    .describe(
      'false: cannot sign in with a password yet (an invitation not yet taken up, or a portal login)',
    ),
  pendingLink: z
    .object({ purpose: z.enum(['invitation', 'reset']), expiresAt: IsoDateTime })
    .nullable()
    .describe('the e-mailed link to choose a password that still works, if any (invitation or reset)'),
  twoStepEnabled: z
    .boolean()
    .describe('signs in with a code from an authenticator app after the password (two-step sign-in)'),
  signInState: z
    .enum(SIGN_IN_STATES)
    .describe(
      'active: has signed in; not_signed_in: has a password (given by an admin) but never signed in; invited: an invitation not yet taken up; no_password: neither; disabled',
    ),
});
export type UserListItem = z.infer<typeof UserListItem>;

export const UserCreate = z.strictObject({
  email: Email,
  name: Name,
  role: Role,
  password: Password.optional(),
  customerId: Id.optional().describe('required for role customer: the customer this login belongs to'),
  invite: z
    .boolean()
    .optional()
    .describe(
      'staff only, without `password`: e-mail them an invitation with a link to choose their password (works once, for 7 days)',
    ),
});
export type UserCreate = z.infer<typeof UserCreate>;

export const UserUpdate = z.strictObject({
  name: Name.optional(),
  role: Role.optional(),
  password: Password.optional(),
  active: z.boolean().optional(),
});
export type UserUpdate = z.infer<typeof UserUpdate>;

export const LoginRequest = z.strictObject({
  email: z.string().trim().min(1).max(LIMITS.email),
  password: z.string().min(1).max(LIMITS.password.max),
});

export const PasswordChange = z.strictObject({
  currentPassword: z.string().min(1).max(LIMITS.password.max),
  newPassword: Password,
});
export type PasswordChange = z.infer<typeof PasswordChange>;

// ---- e-mailed links to choose a password (staff) ------------------------------------------------

export const PasswordLinkPurpose = z.enum(['invitation', 'reset']);
export type PasswordLinkPurpose = z.infer<typeof PasswordLinkPurpose>;

export const PasswordResetRequest = z.strictObject({
  email: z.string().trim().min(1).max(LIMITS.email).describe('the address the staff member signs in with'),
});
export const PasswordResetRequested = z.object({
  message: z.string().describe('the same answer whether or not the address is known'),
});
const LinkToken = z.string().min(1).max(200).describe('the token from the link in the mail');
export const PasswordLinkCheck = z.strictObject({ token: LinkToken });
export const PasswordLinkInfo = z.object({
  purpose: PasswordLinkPurpose,
  email: z.string(),
  name: z.string(),
  expiresAt: IsoDateTime,
});
export const PasswordLinkComplete = z.strictObject({ token: LinkToken, password: Password });
export const PasswordLinkSent = z.object({
  purpose: PasswordLinkPurpose.describe('invitation: the account has no password yet; reset: it has one'),
  sentTo: z.string(),
  expiresAt: IsoDateTime,
  held: z
    .boolean()
    .describe(
      'outgoing mail is not set up: the mail waits on the Mail page, and the admin hands its link over',
    ),
});
export type PasswordLinkSent = z.infer<typeof PasswordLinkSent>;

/** A user just created (POST /users): with the invitation it sent, if asked to. */
export const UserCreated = User.extend({
  invitation: PasswordLinkSent.nullable().describe(
    'the invitation mailed (`invite: true`), and whether it is `held` because outgoing mail is not set up; null without one',
  ),
});
export type UserCreated = z.infer<typeof UserCreated>;

export const PasswordChanged = z.object({
  endedTokens: z
    .number()
    .int()
    .describe('other sessions and API tokens of the user that ended (the one used stays)'),
});

export const SessionsEnded = z.object({
  endedSessions: z.number().int().describe('sign-in sessions that ended'),
});

export const Session = z.object({
  id: Id,
  device: z.string().describe('the browser and system it is used from, e.g. "Chrome 120 on Linux"'),
  userAgent: z
    .string()
    .nullable()
    .describe('the User-Agent of its latest use, to the minute (null: not known)'),
  ip: z.string().nullable().describe('the address of its latest use, to the minute (null: not known)'),
  createdAt: IsoDateTime.describe('when it signed in'),
  lastUsedAt: IsoDateTime.nullable().describe('its last request, to the minute'),
  expiresAt: IsoDateTime.nullable(),
  current: z.boolean().describe('true for the session making this request'),
});
export type Session = z.infer<typeof Session>;
export const SessionList = z.object({ items: z.array(Session) });

export const LoginResponse = z.object({ token: z.string(), expiresAt: IsoDateTime, user: User });
export type LoginResponse = z.infer<typeof LoginResponse>;

// ---- two-step sign-in (staff) -------------------------------------------------------------------

/** How long the step between a right password and the session lasts. */
export const TWO_STEP_CHALLENGE_MINUTES = 5;

const ChallengeToken = z
  .string()
  .min(1)
  .max(200)
  .describe('the `challenge` of the sign-in answer: works once, for 5 minutes');
export const TwoStepCode = z
  .string()
  .trim()
  .regex(/^\d{3} ?\d{3}$/, 'must be the 6 digits the authenticator app shows')
  .describe('the 6-digit code the authenticator app shows now');
export const RecoveryCode = z
  .string()
  .trim()
  .min(10)
  .max(20)
  .describe('one of the recovery codes shown when two-step sign-in was turned on (xxxxx-xxxxx)');

export const TwoStepRequired = z.object({
  twoStepRequired: z.literal(true).describe('the password was right; now a code: POST /auth/login/two-step'),
  challenge: z.string(),
  expiresAt: IsoDateTime,
});
export const TwoStepSetupRequired = z.object({
  twoStepSetupRequired: z
    .literal(true)
    .describe(
      'the password was right, but the company requires two-step sign-in of staff and this account has none yet: set it up with the challenge (POST /auth/login/two-step/setup, then …/setup/confirm)',
    ),
  challenge: z.string(),
  expiresAt: IsoDateTime,
});
/** The answer to a right password: a session, or the second step it waits for. */
export const SignInAnswer = z.union([LoginResponse, TwoStepRequired, TwoStepSetupRequired]);
export type SignInAnswer = z.infer<typeof SignInAnswer>;

export const TwoStepLogin = z.union([
  z.strictObject({ challenge: ChallengeToken, code: TwoStepCode }),
  z.strictObject({ challenge: ChallengeToken, recoveryCode: RecoveryCode }),
]);
export type TwoStepLogin = z.infer<typeof TwoStepLogin>;
export const TwoStepChallengeBody = z.strictObject({ challenge: ChallengeToken });
export const TwoStepChallengeConfirm = z.strictObject({ challenge: ChallengeToken, code: TwoStepCode });

export const TwoStepSetup = z.object({
  secret: z
    .string()
    .describe('the shared secret, base32: to type into the app when the QR code cannot be read'),
  uri: z.string().describe('the otpauth:// URI the QR code holds'),
  qrSvg: z.string().describe('the QR code of the URI, as an SVG image'),
});
export type TwoStepSetup = z.infer<typeof TwoStepSetup>;

export const RecoveryCodes = z.object({
  recoveryCodes: z
    .array(z.string())
    .describe('single-use codes for when the phone is lost: shown this once, keep them safe'),
});
export type RecoveryCodes = z.infer<typeof RecoveryCodes>;
export const SetupSignedIn = LoginResponse.extend(RecoveryCodes.shape);

export const TwoStepStatus = z.object({
  enabled: z.boolean(),
  enabledAt: IsoDateTime.nullable(),
  recoveryCodesLeft: z.number().int().describe('unused recovery codes (0 when off)'),
  required: z.boolean().describe('the company requires two-step sign-in of staff (Settings)'),
});
export type TwoStepStatus = z.infer<typeof TwoStepStatus>;

export const TwoStepConfirm = z.strictObject({ code: TwoStepCode });
export const TwoStepDisable = z.union([
  z.strictObject({ password: z.string().min(1).max(LIMITS.password.max) }),
  z.strictObject({ code: TwoStepCode }),
]);
export type TwoStepDisable = z.infer<typeof TwoStepDisable>;

/** The most a signature holds: a few lines under each e-mailed reply. */
export const SIGNATURE_LIMITS = { chars: 1_000, lines: 10 } as const;

export const Signature = z
  .string()
  .max(SIGNATURE_LIMITS.chars)
  .transform((s) =>
    s
      .replace(/\r\n?/g, '\n')
      .replace(/[ \t]+$/gm, '')
      .replace(/^\n+|\n+$/g, ''),
  )
  .refine((s) => s.split('\n').length <= SIGNATURE_LIMITS.lines, `at most ${SIGNATURE_LIMITS.lines} lines`);

export const Me = User.extend({
  organizationId: Id.nullable(),
  organizationAccess: z.boolean(),
  signature: z
    .string()
    .nullable()
    .describe('staff: the lines added under their e-mailed replies, after a "-- " line; null: none'),
});
export type Me = z.infer<typeof Me>;

export const MeUpdate = z.strictObject({
  name: Name.optional().describe(
    'staff only: the name colleagues see and replies are signed with in the From',
  ),
  signature: Signature.nullable()
    .optional()
    .describe(
      `staff only: up to ${SIGNATURE_LIMITS.lines} lines, ${SIGNATURE_LIMITS.chars} characters; empty or null removes it`,
    ),
});
export type MeUpdate = z.infer<typeof MeUpdate>;

export const TokenAccess = z
  .enum(['full', 'read'])
  .describe('`read`: GET requests only (reports, dashboards, syncing out); `full`: all its user may do');
export type TokenAccess = z.infer<typeof TokenAccess>;

export const ApiTokenCreate = z.strictObject({
  name: Name,
  access: TokenAccess.optional().describe('default: full'),
  userId: Id.optional().describe('the user the token acts as; default: you'),
  expiresAt: IsoDateTime.optional().describe('default: never'),
});

export const ApiToken = z.object({
  id: Id,
  name: z.string().nullable(),
  userId: Id,
  access: TokenAccess,
  createdAt: IsoDateTime,
  expiresAt: IsoDateTime.nullable(),
  lastUsedAt: IsoDateTime.nullable(),
  revokedAt: IsoDateTime.nullable(),
});
export type ApiToken = z.infer<typeof ApiToken>;
export const ApiTokenCreated = ApiToken.extend({ token: z.string().describe('shown once; store it now') });
export type ApiTokenCreated = z.infer<typeof ApiTokenCreated>;
