import { z } from 'zod';
import { Id, IsoDateTime, Name, SegmentKey } from './common.js';
import { CaseStatus, Priority, PromiseKind } from './cases.js';
import { CommitmentDefinition } from './signals.js';

/** Up to two years of business minutes: several-month targets are legitimate, centuries are typos. */
export const MAX_TARGET_MINUTES = 2 * 365 * 24 * 60;

/** A target as stored and answered: rows saved before targets had to be at least a minute may hold 0. */
export const AgreementTarget = z.strictObject({
  kind: PromiseKind,
  priority: Priority.optional().describe(
    'only for cases of this priority; without: every priority not named elsewhere',
  ),
  minutes: z
    .number()
    .int()
    .min(0)
    .max(MAX_TARGET_MINUTES)
    .describe('business minutes on the agreement’s calendar'),
});
export type AgreementTarget = z.infer<typeof AgreementTarget>;

const TARGET_MINUTES = `must be a whole number of minutes from 1 to ${MAX_TARGET_MINUTES}`;

/** A target as written: 0 minutes would be broken the moment its clock starts. */
const AgreementTargetInput = AgreementTarget.extend({
  minutes: z
    .number({ error: (issue) => (issue.input === undefined ? 'is required' : TARGET_MINUTES) })
    .int(TARGET_MINUTES)
    .min(1, 'must be at least 1 minute: a target of 0 minutes is broken as soon as its clock starts')
    .max(MAX_TARGET_MINUTES, TARGET_MINUTES)
    .describe('business minutes on the agreement’s calendar, at least 1'),
});

/** A target's promise and priority in words: "First response for Urgent", "Resolution for any priority". */
function targetWords(t: { kind: string; priority?: string }) {
  const words = (key: string) => key.charAt(0).toUpperCase() + key.slice(1).replaceAll('_', ' ');
  return `${words(t.kind)} for ${t.priority ? words(t.priority) : 'any priority'}`;
}

export const AgreementScope = z
  .strictObject({
    customerId: Id.optional(),
    organizationId: Id.optional(),
    segment: SegmentKey.optional(),
  })
  .refine(
    (s) => Object.values(s).filter((v) => v !== undefined).length <= 1,
    'name at most one of customerId, organizationId, segment',
  );

const PausableStatus = CaseStatus.extract(['pending', 'on_hold']);

const fields = {
  name: Name,
  description: z.string().max(5000).nullable().optional(),
  calendarId: Id,
  scope: AgreementScope.optional().describe('none: the default agreement'),
  targets: z
    .array(AgreementTargetInput)
    .min(1, 'must have at least one target')
    .max(40)
    .superRefine((targets, ctx) => {
      const seen = new Set<string>();
      targets.forEach((t, i) => {
        const key = `${t.kind}/${t.priority ?? '*'}`;
        if (seen.has(key))
          ctx.addIssue({
            code: 'custom',
            path: [i],
            message: `${targetWords(t)} is set twice`,
          });
        seen.add(key);
      });
    }),
  commitments: z
    .array(CommitmentDefinition)
    .max(20)
    .superRefine((list, ctx) => {
      const seen = new Set<string>();
      list.forEach((c, i) => {
        if (seen.has(c.key))
          ctx.addIssue({ code: 'custom', path: [i, 'key'], message: `commitment ${c.key} is given twice` });
        seen.add(c.key);
      });
    })
    .optional()
    .describe('promises on operations, measured by events (delivery by the promised date, …)'),
  pauseOn: z.array(PausableStatus).max(2).optional(),
  warnPercent: z.number().int().min(1).max(100).optional(),
  ownerId: Id.nullable().optional(),
  reviewDate: z.iso
    .date()
    .nullable()
    .optional()
    .describe('when the agreement is due for review with the customer'),
  active: z.boolean().optional(),
};

export const AgreementCreate = z.strictObject(fields);
export type AgreementCreate = z.infer<typeof AgreementCreate>;
export const AgreementUpdate = z.strictObject({
  ...fields,
  name: Name.optional(),
  calendarId: Id.optional(),
  targets: fields.targets.optional(),
});
export type AgreementUpdate = z.infer<typeof AgreementUpdate>;

/** Whom an agreement is for; the most specific level that has an active agreement wins. */
export const AgreementScopeLevel = z.enum(['customer', 'organization', 'segment', 'default']);
export type AgreementScopeLevel = z.infer<typeof AgreementScopeLevel>;

export const Agreement = z.object({
  id: Id,
  name: z.string(),
  description: z.string().nullable(),
  calendarId: Id,
  scope: z.object({
    customerId: Id.nullable(),
    organizationId: Id.nullable(),
    segment: z.string().nullable(),
  }),
  scopeLevel: AgreementScopeLevel,
  targets: z.array(AgreementTarget),
  commitments: z.array(CommitmentDefinition),
  pauseOn: z.array(z.string()),
  warnPercent: z.number().int(),
  ownerId: Id.nullable(),
  reviewDate: z.string().nullable(),
  reviewDue: z.boolean(),
  active: z.boolean(),
  createdAt: IsoDateTime,
  updatedAt: IsoDateTime,
});
export type Agreement = z.infer<typeof Agreement>;

/**
 * The agreement that applies to a customer or an organization, as its new cases would get it,
 * and the level it comes from: its own, its organization's, its segment's or the default.
 */
export const AppliedAgreement = z.object({
  id: Id,
  name: z.string(),
  scopeLevel: AgreementScopeLevel.describe(
    'where it comes from: customer (their own), organization, segment, or default (everyone else)',
  ),
  segment: z.string().nullable().describe('the segment’s key, when it comes from a segment'),
});
export type AppliedAgreement = z.infer<typeof AppliedAgreement>;
