// The subject-access export of one customer, through the started app on a real database: what the
// document holds and leaves out, who may take it, and that taking it is recorded.
import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestApp, type TestApp } from '../../../../test/helpers/app.js';
import {
  makeCase,
  makeCustomer,
  makeOrganization,
  makeUser,
  unique,
} from '../../../../test/helpers/factories.js';
import { makeCommitment, makeEvent, makeSignal } from '../../../../test/helpers/signal-factories.js';
import { SYSTEM_ACTOR } from '../../lib/actor.js';
import { caseRatings } from '../portal/portal.table.js';
import { messages } from '../cases/cases.table.js';
import { mailMessages } from '../mail/mail.table.js';
import { mergeCustomers } from './customer-merge.js';

let t: TestApp;
let admin: string;
let agent: string;
beforeAll(async () => {
  t = await startTestApp();
  admin = (await makeUser(t.db, 'admin')).token;
  agent = (await makeUser(t.db, 'agent')).token;
});
afterAll(() => t?.close());

const exportOf = (id: string, token: string) => t.get(`/api/v1/customers/${id}/personal-data`, token);

describe('the personal data of one customer', () => {
  it('holds their record, cases with public messages, ratings, events, signals, commitments and mail; nobody else’s', async () => {
    const org = await makeOrganization(t.db);
    const person = await makeCustomer(t.db, {
      name: `Ingrid Export ${unique()}`,
      organizationId: org.id,
      organizationAccess: true,
      mailAcknowledgements: false,
      phone: '+45 33 12 34 56',
      customFields: { tier: 'gold' },
    });
    const colleague = await makeCustomer(t.db, { organizationId: org.id });
    const portal = await makeUser(t.db, 'customer', { customerId: person.id, email: person.email! });
    // A duplicate of them, merged in: its old address is theirs too.
    const duplicate = await makeCustomer(t.db, { name: person.name });
    await mergeCustomers(t.db, SYSTEM_ACTOR, duplicate.id, person.id);

    const field = `order_${unique()}`;
    expect(
      (await t.post('/api/v1/case-fields', { key: field, label: field, type: 'text' }, admin)).status,
    ).toBe(201);
    const theirs = await makeCase(t.db, person.id, {
      subject: `Parcel never came ${unique()}`,
      customFields: { [field]: 'SO-77' },
      message: { body: 'Where is my parcel, please?' },
    });
    expect(
      (
        await t.post(
          `/api/v1/cases/${theirs.id}/messages`,
          { body: 'It is on its way.', public: true },
          agent,
        )
      ).status,
    ).toBe(201);
    const note = `Internal: carrier lost it ${unique()}`;
    await t.post(`/api/v1/cases/${theirs.id}/messages`, { body: note, public: false }, agent);
    await t.db
      .insert(caseRatings)
      .values({ caseId: theirs.id, customerId: person.id, rating: 4, comment: 'Quick' });

    // A colleague's case: its subject stays out, the message our person wrote on it is in.
    const colleaguesCase = await makeCase(t.db, colleague.id, {
      subject: `Colleague only ${unique()}`,
      message: { body: `Colleague's own words ${unique()}` },
    });
    await t.db.insert(messages).values({
      caseId: colleaguesCase.id,
      authorType: 'customer',
      authorCustomerId: person.id,
      public: true,
      body: 'Adding my order number: SO-78',
    });
    const stranger = await makeCustomer(t.db);
    const strangersCase = await makeCase(t.db, stranger.id, { subject: `Stranger's case ${unique()}` });

    await makeEvent(t.db, { customerId: person.id, type: 'order.created', refs: { orderId: 'SO-77' } });
    await makeEvent(t.db, { customerId: stranger.id, type: 'order.created', refs: { orderId: 'SO-99' } });
    await makeSignal(t.db, { customerId: person.id, title: 'Parcel stuck at the hub' });
    await makeCommitment(t.db, { customerId: person.id, refValue: 'SO-77', name: 'On-time delivery' });
    await t.db.insert(mailMessages).values([
      {
        direction: 'in',
        messageId: `${unique()}@example.com`,
        fromAddress: duplicate.email!.toUpperCase(),
        toAddresses: ['support@steward.test'],
        subject: 'From my old address',
        status: 'processed',
        raw: Buffer.from('Subject: From my old address\r\n\r\nraw source'),
      },
      {
        direction: 'in',
        messageId: `${unique()}@example.com`,
        fromAddress: stranger.email!,
        toAddresses: ['support@steward.test'],
        subject: 'A stranger writes',
        status: 'processed',
      },
    ]);

    const res = await exportOf(person.id, admin);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-disposition')).toBe(
      `attachment; filename="personal-data-${person.id}.json"`,
    );
    const doc = res.body;
    expect(Date.parse(doc.generatedAt)).toBeGreaterThan(Date.now() - 60_000);
    expect(doc.notes.join(' ')).toMatch(/internal notes/);
    expect(doc.customer).toMatchObject({
      id: person.id,
      name: person.name,
      email: person.email,
      phone: '+45 33 12 34 56',
      organizationName: org.name,
      customFields: { tier: 'gold' },
      mailAcknowledgements: false,
      mailProactiveNotices: true,
      deletedAt: null,
      erasedAt: null,
    });
    expect(doc.mergedCustomers).toEqual([
      expect.objectContaining({ id: duplicate.id, email: duplicate.email }),
    ]);
    expect(doc.portalLogins).toEqual([
      expect.objectContaining({
        email: person.email,
        name: portal.user.name,
        active: true,
        twoStepEnabled: false,
        deletedAt: null,
      }),
    ]);
    expect(doc.portalLogins[0].lastSignInAt).toMatch(/Z$/);
    // Sessions are pruned a month after they end; the login's last sign-in is still told.
    await t.db.execute(sql`delete from auth_tokens where user_id = ${portal.user.id}`);
    expect((await exportOf(person.id, admin)).body.portalLogins[0].lastSignInAt).toBe(
      doc.portalLogins[0].lastSignInAt,
    );

    expect(doc.cases.map((c: { subject: string }) => c.subject)).toEqual([theirs.subject]);
    expect(doc.cases[0]).toMatchObject({ number: theirs.number, customFields: { [field]: 'SO-77' } });
    expect(doc.cases[0].messages.map((m: { body: string }) => m.body)).toEqual([
      'Where is my parcel, please?',
      'It is on its way.',
    ]);
    expect(doc.cases[0].messages[0]).toMatchObject({ authorKind: 'customer', authorName: person.name });
    expect(doc.cases[0].messages[1]).toMatchObject({ authorKind: 'agent', attachments: [] });
    expect(doc.messagesOnOtherCases).toEqual([
      expect.objectContaining({
        caseNumber: colleaguesCase.number,
        caseSubject: colleaguesCase.subject,
        body: 'Adding my order number: SO-78',
      }),
    ]);
    expect(doc.ratings).toEqual([
      expect.objectContaining({ caseNumber: theirs.number, rating: 4, comment: 'Quick' }),
    ]);
    // The signal's evidence and the commitment's opening event are theirs too.
    expect(doc.events.map((e: { type: string }) => e.type).sort()).toEqual([
      'order.created',
      'order.promised',
      'shipment.exception',
    ]);
    expect(doc.events).toContainEqual(
      expect.objectContaining({ type: 'order.created', refs: { orderId: 'SO-77' } }),
    );
    expect(doc.signals).toEqual([
      expect.objectContaining({ title: 'Parcel stuck at the hub', state: 'open' }),
    ]);
    expect(doc.signals[0].rule).toEqual(expect.any(String));
    expect(doc.commitments).toEqual([
      expect.objectContaining({ name: 'On-time delivery', refValue: 'SO-77', state: 'open' }),
    ]);
    // The agent's reply went out to them by mail; they wrote in from the merged duplicate's address.
    expect(doc.mail).toEqual([
      expect.objectContaining({
        direction: 'out',
        subject: `[#${theirs.number}] ${theirs.subject}`,
        to: [person.email],
      }),
      expect.objectContaining({ direction: 'in', subject: 'From my old address', status: 'processed' }),
    ]);

    const text = JSON.stringify(doc);
    expect(text).not.toContain(note);
    expect(text).not.toContain("Colleague's own words");
    expect(text).not.toContain(strangersCase.subject);
    expect(text).not.toContain('SO-99');
    expect(text).not.toContain('A stranger writes');
    expect(text).not.toContain('raw source');
    // No hashes of any kind: argon2 PHC strings, SHA-256 hex, or the fields that hold them.
    expect(text).not.toMatch(/\$argon2/);
    expect(text).not.toMatch(/[0-9a-f]{64}/);
    expect(text).not.toMatch(/passwordHash|tokenHash|password_hash|token_hash/);
    expect(text).not.toContain(portal.token);
  });

  it('is recorded on the customer’s history, with who took it', async () => {
    const c = await makeCustomer(t.db);
    await makeCase(t.db, c.id);
    expect((await exportOf(c.id, admin)).status).toBe(200);
    const history = await t.get(`/api/v1/customers/${c.id}/history`, admin);
    const last = history.body.items.at(-1);
    expect(last).toMatchObject({
      type: 'customer.personal_data_exported',
      actorKind: 'user',
      data: { cases: 1, messages: 0, events: 0, mail: 0 },
    });
    expect(last.actorName).toMatch(/^admin /);
  });

  it('a deleted customer is still exported, with the time of deletion', async () => {
    const c = await makeCustomer(t.db);
    const k = await makeCase(t.db, c.id, { subject: `Before deletion ${unique()}` });
    expect((await t.del(`/api/v1/customers/${c.id}`, admin)).status).toBe(204);
    const res = await exportOf(c.id, admin);
    expect(res.status).toBe(200);
    expect(res.body.customer.deletedAt).toMatch(/Z$/);
    expect(res.body.cases.map((x: { subject: string }) => x.subject)).toEqual([k.subject]);
  });

  it('after an erasure: what is left, nameless, and erasedAt set', async () => {
    const c = await makeCustomer(t.db);
    const k = await makeCase(t.db, c.id, { subject: `Erase me ${unique()}`, message: { body: 'My secret' } });
    expect((await t.post(`/api/v1/customers/${c.id}/erase`, { confirm: c.name }, admin)).status).toBe(200);
    const res = await exportOf(c.id, admin);
    expect(res.status).toBe(200);
    expect(res.body.customer).toMatchObject({ name: 'Erased customer', email: null });
    expect(res.body.customer.erasedAt).toMatch(/Z$/);
    expect(res.body.cases.map((x: { number: number }) => x.number)).toEqual([k.number]);
    const text = JSON.stringify(res.body);
    expect(text).not.toContain(k.subject);
    expect(text).not.toContain('My secret');
    expect(text).not.toContain(c.email);
  });

  it('a customer merged into another: 404 naming the one who holds their data now', async () => {
    const into = await makeCustomer(t.db);
    const dup = await makeCustomer(t.db);
    await mergeCustomers(t.db, SYSTEM_ACTOR, dup.id, into.id);
    const res = await exportOf(dup.id, admin);
    expect(res.status).toBe(404);
    expect(res.body.error).toMatchObject({ code: 'customer_merged', details: [{ message: into.id }] });
  });
});

describe('who may export', () => {
  it('admins only: agents 403, customers 403 (their own record too), an unknown id 404', async () => {
    const c = await makeCustomer(t.db);
    const other = await makeCustomer(t.db);
    const portal = await makeUser(t.db, 'customer', { customerId: c.id });
    expect((await exportOf(c.id, agent)).status).toBe(403);
    expect((await exportOf(c.id, portal.token)).status).toBe(403);
    expect((await exportOf(other.id, portal.token)).status).toBe(403);
    expect((await exportOf('0190a000-0000-7000-8000-000000000000', admin)).status).toBe(404);
    expect((await t.get(`/api/v1/customers/${c.id}/personal-data`)).status).toBe(401);
    // Refused exports leave no trace.
    const history = await t.get(`/api/v1/customers/${c.id}/history`, admin);
    expect(history.body.items.map((e: { type: string }) => e.type)).not.toContain(
      'customer.personal_data_exported',
    );
  });
});
