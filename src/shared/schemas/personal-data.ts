// A data subject's copy of what Steward holds about one customer (GDPR art. 15 "right of access"):
// the JSON document of GET /customers/:id/personal-data. One schema, for the route and OpenAPI.
import { z } from 'zod';
import { Id } from './common.js';

const Time = z.string().describe('ISO 8601 UTC time');
const Json = z.record(z.string(), z.unknown());

const PersonalDataCustomer = z.object({
  id: Id,
  name: z.string(),
  email: z.string().nullable(),
  phone: z.string().nullable(),
  organizationName: z.string().nullable(),
  segment: z.string().nullable().describe('own segment, else the organization’s'),
  language: z.string().nullable(),
  timeZone: z.string().nullable(),
  externalId: z.string().nullable(),
  organizationAccess: z.boolean(),
  mailAcknowledgements: z.boolean().describe('their mail preferences: the confirmation of a new request'),
  mailProactiveNotices: z.boolean().describe('their mail preferences: notices signal rules send'),
  customFields: Json,
  createdAt: Time,
  updatedAt: Time,
  deletedAt: Time.nullable(),
  erasedAt: Time.nullable().describe('their personal data was erased: what is left is nameless'),
});

const PersonalDataMessage = z.object({
  caseNumber: z.number(),
  authorKind: z.enum(['agent', 'customer', 'system', 'third_party']),
  authorName: z.string().nullable(),
  channel: z.string().nullable(),
  body: z.string(),
  attachments: z.array(z.string()).describe('file names; the files themselves are not in the document'),
  createdAt: Time,
});

export const PersonalData = z.object({
  generatedAt: Time,
  notes: z.array(z.string()).describe('what the document includes and leaves out'),
  customer: PersonalDataCustomer,
  mergedCustomers: z
    .array(
      PersonalDataCustomer.pick({
        id: true,
        name: true,
        email: true,
        phone: true,
        externalId: true,
        createdAt: true,
      }).extend({ mergedAt: Time.nullable() }),
    )
    .describe('duplicate records merged into this one: their old addresses lead here'),
  portalLogins: z.array(
    z.object({
      email: z.string(),
      name: z.string(),
      active: z.boolean(),
      createdAt: Time,
      lastSignInAt: Time.nullable(),
      twoStepEnabled: z
        .boolean()
        .describe('whether the login signs in with a second step (never its secret or codes)'),
      deletedAt: Time.nullable(),
    }),
  ),
  agreements: z
    .array(z.object({ name: z.string(), active: z.boolean(), createdAt: Time }))
    .describe('agreements (PSAs) made for this customer alone'),
  cases: z.array(
    z.object({
      number: z.number(),
      subject: z.string(),
      status: z.string(),
      channel: z.string(),
      category: z.string(),
      priority: z.string(),
      cc: z.array(z.string()),
      customFields: Json,
      refs: z.record(z.string(), z.string()),
      createdAt: Time,
      solvedAt: Time.nullable(),
      closedAt: Time.nullable(),
      deletedAt: Time.nullable(),
      messages: z.array(PersonalDataMessage.omit({ caseNumber: true })).describe('public messages only'),
    }),
  ),
  messagesOnOtherCases: z
    .array(PersonalDataMessage.extend({ caseSubject: z.string() }))
    .describe("messages they wrote on other customers' cases (e.g. as a CC or a colleague)"),
  ratings: z.array(
    z.object({ caseNumber: z.number(), rating: z.number(), comment: z.string().nullable(), createdAt: Time }),
  ),
  helpCenterVotes: z.array(
    z.object({ articleId: Id, language: z.string(), helpful: z.boolean(), createdAt: Time }),
  ),
  events: z
    .array(z.object({ type: z.string(), occurredAt: Time, refs: Json, data: Json }))
    .describe('operational events (orders, shipments, invoices) about them'),
  signals: z.array(
    z.object({
      rule: z.string(),
      title: z.string(),
      state: z.string(),
      refs: Json,
      detectedAt: Time,
      resolvedAt: Time.nullable(),
    }),
  ),
  commitments: z.array(
    z.object({
      name: z.string(),
      refKey: z.string(),
      refValue: z.string(),
      state: z.string(),
      openedAt: Time,
      dueAt: Time,
      closedAt: Time.nullable(),
    }),
  ),
  mail: z
    .array(
      z.object({
        direction: z.enum(['in', 'out']),
        subject: z.string(),
        from: z.string(),
        to: z.array(z.string()),
        cc: z.array(z.string()),
        status: z.string(),
        createdAt: Time,
      }),
    )
    .describe('mail to or from their addresses: the envelope, not the source'),
});
export type PersonalData = z.infer<typeof PersonalData>;
