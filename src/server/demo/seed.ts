// The demo company: segments, organizations in each, a few hundred customers, staff and a
// portal customer with known passwords. Deterministic (fixed faker seed) and idempotent:
// it does nothing when the demo admin already exists.
import { skipPastDomainEvents } from '../domains/domain-events/domain-event-consumers.js';
import { Faker, en } from '@faker-js/faker';
import { sql } from 'drizzle-orm';
import { rows, type Database } from '../../db/client.js';
import { SYSTEM_ACTOR } from '../lib/actor.js';
import { findLiveUserByEmail } from '../domains/auth/auth.repo.js';
import { importCustomersCsv } from '../domains/imports/customer-import.js';
import { createOrganization } from '../domains/organizations/organizations.service.js';
import { createSegment } from '../domains/segments/segments.service.js';
import { createField } from '../domains/fields/fields.service.js';
import { createUser, updateMe } from '../domains/users/users.service.js';
import { listCustomers } from '../domains/customers/customers.service.js';
import { createView } from '../domains/cases/views.service.js';
import { updateCategory } from '../domains/cases/catalog.service.js';
import { createReplyTemplate } from '../domains/reply-templates/reply-templates.service.js';
import { DEMO_CASES, seedDemoCases } from './seed-cases.js';
import { countSignals, seedDemoSignals } from './seed-signals.js';
import { seedDemoKb } from './seed-kb.js';
import { updateSettings } from '../domains/settings/settings.service.js';

/** The demo company's name: what its customers see in place of Steward. */
export const DEMO_COMPANY = 'Steward Demo Shop';

export const DEMO_LOGINS = [
  { role: 'admin', email: 'admin@steward.demo', password: 'steward-admin', name: 'Alex Admin' },
  { role: 'agent', email: 'ava@steward.demo', password: 'steward-agent', name: 'Ava Agent' },
  { role: 'agent', email: 'ben@steward.demo', password: 'steward-agent', name: 'Ben Agent' },
] as const;
export const DEMO_CUSTOMER_PASSWORD = 'steward-customer';
/** The built-in categories the demo offers to customers in the portal. */
export const DEMO_OFFERED_CATEGORIES = [
  'order_status',
  'late_delivery',
  'damaged_product',
  'wrong_item',
  'invoice_error',
] as const;

const SEGMENTS = [
  {
    key: 'enterprise',
    name: 'Enterprise',
    description: 'Large accounts with a named customer team and custom PSAs',
  },
  { key: 'smb', name: 'Small and medium business', description: 'Standard PSA, pooled service team' },
  { key: 'consumer', name: 'Consumer', description: 'Individual buyers of the web shop' },
];

const ORGANIZATIONS = [
  { name: 'Northwind Traders', domains: ['northwind.example'], segment: 'enterprise', customers: 60 },
  { name: 'Contoso Retail', domains: ['contoso.example'], segment: 'enterprise', customers: 55 },
  { name: 'Fabrikam Manufacturing', domains: ['fabrikam.example'], segment: 'enterprise', customers: 45 },
  { name: 'Tailspin Outfitters', domains: ['tailspin.example'], segment: 'smb', customers: 25 },
  { name: 'Wingtip Hardware', domains: ['wingtip.example'], segment: 'smb', customers: 20 },
  { name: 'Alpine Ski House', domains: ['alpineskihouse.example'], segment: 'smb', customers: 15 },
  { name: 'Blue Yonder Pharmacy', domains: ['blueyonder.example'], segment: 'smb', customers: 15 },
  { name: 'Coho Winery', domains: ['cohowinery.example'], segment: 'smb', customers: 10 },
];
const CONSUMERS = 90;

const ZONES = [
  'Europe/Berlin',
  'Europe/London',
  'America/New_York',
  'America/Chicago',
  'Europe/Paris',
  'Asia/Singapore',
];
const LANGUAGES = ['en', 'de', 'fr', 'en', 'en', 'es'];

export interface DemoSummary {
  created: boolean;
  logins: { role: string; email: string; password: string }[];
  organizations: number;
  customers: number;
  cases: number;
  /** Signals the demo's rules have detected (at first start: in the order-to-delivery flow and its history). */
  signals: number;
}

export interface DemoOptions {
  /** The months before the live flow, for the KPI trends (seed-history.ts); default true. */
  history?: boolean;
  /** Told each part of the demo as the seed starts writing it (the CLI prints it); not when it exists. */
  onProgress?: (part: string) => void;
}

const csvCell = (v: string) => (/[",\n]/.test(v) ? `"${v.replace(/"/g, '""')}"` : v);

const DEMO_REPLY_TEMPLATES = [
  {
    name: 'Ask for a photo of the damage',
    body: 'Hello {{customer.firstName}},\n\nI am sorry your order arrived damaged. Could you reply with a photo of the item and of the box it came in? Then I can arrange a replacement or a refund straight away.\n\nBest regards,\n{{agent.firstName}}',
  },
  {
    name: 'Carrier trace started',
    body: 'Hello {{customer.firstName}},\n\nthank you for your patience. I have asked the carrier to trace your parcel and will write to you here as soon as I hear back, within one business day at the latest.\n\nBest regards,\n{{agent.firstName}}',
  },
  {
    name: 'Solved: anything else?',
    body: 'Hello {{customer.firstName}},\n\nI am glad we could sort this out. If anything else comes up about request #{{case.number}}, just reply to this message and it reopens.\n\nBest regards,\n{{agent.firstName}}',
  },
];

/** The cases the queues list (the desk's, the proactive ones, the customers' contacts about them). */
async function countCases(db: Database): Promise<number> {
  const [row] = await rows<{ n: number }>(
    db,
    sql`select count(*)::int as n from cases where deleted_at is null and merged_into_id is null`,
  );
  return row!.n;
}

export async function seedDemo(db: Database, options: DemoOptions = {}): Promise<DemoSummary> {
  const portalEmail = 'maria.jensen@northwind.example';
  const logins = [
    ...DEMO_LOGINS.map(({ role, email, password }) => ({ role, email, password })),
    { role: 'customer', email: portalEmail, password: DEMO_CUSTOMER_PASSWORD },
  ];
  const total = ORGANIZATIONS.reduce((n, o) => n + o.customers, 0) + CONSUMERS + 1;
  const exists = (await findLiveUserByEmail(db, DEMO_LOGINS[0].email)) !== undefined;
  const progress = (part: string) => {
    if (!exists) options.onProgress?.(part);
  };
  progress('the help center');
  await seedDemoKb(db); // idempotent on its own: also fills a demo database from before the help center
  if (exists) {
    return {
      created: false,
      logins,
      organizations: ORGANIZATIONS.length,
      customers: total,
      cases: await countCases(db),
      signals: await countSignals(db),
    };
  }
  const actor = SYSTEM_ACTOR;
  const faker = new Faker({ locale: [en] });
  faker.seed(20261123);

  // The demo company sits in Berlin (its main calendar's zone): staff mails read Berlin time.
  // Customers see its name, not Steward's, in the portal, the help center and the sign-in page.
  progress('the company, its customers and staff');
  await updateSettings(db, actor, { timeZone: 'Europe/Berlin', companyName: DEMO_COMPANY });
  for (const s of SEGMENTS) await createSegment(db, actor, s);
  // Typed fields of organizations and customers (Admin → Fields); other keys stay free-form.
  await createField(db, actor, 'organization', {
    key: 'account_manager',
    label: 'Account manager',
    type: 'text',
  });
  await createField(db, actor, 'organization', {
    key: 'region',
    label: 'Region',
    type: 'select',
    options: ['EMEA', 'AMER', 'APAC'],
  });
  await createField(db, actor, 'customer', {
    key: 'tier',
    label: 'Loyalty tier',
    type: 'select',
    options: ['Gold', 'Silver', 'Bronze'],
    customerVisible: true,
  });
  for (const o of ORGANIZATIONS) {
    await createOrganization(db, actor, {
      name: o.name,
      domains: o.domains,
      segment: o.segment,
      customFields: {
        account_manager: faker.person.fullName(),
        region: faker.helpers.arrayElement(['EMEA', 'AMER', 'APAC']),
      },
    });
  }

  const lines = [
    'name,email,phone,organization,segment,language,timeZone,externalId,organizationAccess,cf.tier',
  ];
  const used = new Set<string>([portalEmail]);
  lines.push(
    [
      'Maria Jensen',
      portalEmail,
      '+49 30 5550100',
      'Northwind Traders',
      '',
      'en',
      'Europe/Berlin',
      'CRM-10000',
      'true',
      'gold',
    ].join(','),
  );
  let n = 1;
  const person = (domain: string | undefined, org: string, segment: string) => {
    const first = faker.person.firstName();
    const last = faker.person.lastName();
    let email = faker.internet.email({ firstName: first, lastName: last, provider: domain }).toLowerCase();
    while (used.has(email)) email = `${n}.${email}`;
    used.add(email);
    const i = faker.number.int({ min: 0, max: ZONES.length - 1 });
    lines.push(
      [
        `${first} ${last}`,
        email,
        faker.phone.number({ style: 'international' }),
        org,
        segment,
        LANGUAGES[i]!,
        ZONES[i]!,
        `CRM-${10000 + n++}`,
        String(faker.datatype.boolean({ probability: 0.2 })),
        faker.helpers.arrayElement(['gold', 'silver', 'bronze']),
      ]
        .map(csvCell)
        .join(','),
    );
  };
  for (const o of ORGANIZATIONS) for (let i = 0; i < o.customers; i++) person(o.domains[0], o.name, '');
  for (let i = 0; i < CONSUMERS; i++) person(undefined, '', 'consumer');
  await importCustomersCsv(db, actor, lines.join('\n'));

  for (const l of DEMO_LOGINS) {
    const user = await createUser(db, actor, { ...l });
    // Ava signs her e-mailed replies (Your account → Your e-mail signature).
    if (user.email === 'ava@steward.demo')
      await updateMe(
        db,
        { ...SYSTEM_ACTOR, kind: 'user', userId: user.id, role: 'agent' },
        {
          signature: `Ava Agent\nCustomer service, ${DEMO_COMPANY}\n+49 30 1234 5678`,
        },
      );
  }
  const [portalCustomer] = (await listCustomers(db, actor, { email: portalEmail, limit: 1, sort: 'name' }))
    .items;
  await createUser(db, actor, {
    email: portalEmail,
    name: 'Maria Jensen',
    role: 'customer',
    password: DEMO_CUSTOMER_PASSWORD,
    customerId: portalCustomer!.id,
  });
  // Two case fields, as a team would add them (Admin → Fields).
  await createField(db, actor, 'case', { key: 'order_number', label: 'Order number', type: 'text' });
  await createField(db, actor, 'case', {
    key: 'preferred_resolution',
    label: 'Preferred resolution',
    type: 'select',
    options: ['Refund', 'Replacement', 'Repair', 'Credit note'],
  });
  // What customers may pick on a new request in the portal (Admin → Fields → Offered to customers):
  // the everyday matters; the rest (complaint, technical question, …) stay for staff to file.
  for (const key of DEMO_OFFERED_CATEGORIES)
    await updateCategory(db, actor, key, { offeredToCustomers: true });
  progress(`the service desk and ${DEMO_CASES} cases`);
  await seedDemoCases(db);
  // A shared view by a case field, as a team lead would make it (the queue's + New view).
  await createView(db, actor, {
    name: 'Refunds asked for',
    filters: { status: ['new', 'open', 'pending', 'on_hold'], fields: ['preferred_resolution:Refund'] },
    shared: true,
    position: 70,
  });
  // Saved replies every agent may use (the reply box's Templates), as a team lead would keep them.
  for (const t of DEMO_REPLY_TEMPLATES) await createReplyTemplate(db, actor, { ...t, shared: true });
  progress(
    options.history === false
      ? 'the order flow and its signals'
      : 'the order flow, its signals and three months of history',
  );
  const proactive = await seedDemoSignals(db, options);
  // The demo's made-up past is not news: nobody is notified of it (what happens from now on is).
  await skipPastDomainEvents(db, 'notifications');
  return {
    created: true,
    logins,
    organizations: ORGANIZATIONS.length,
    customers: total,
    cases: await countCases(db),
    signals: proactive.signals,
  };
}
