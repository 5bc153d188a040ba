// The mailboxes API: admins only; the IMAP password never comes back (masked, and kept when the
// masked URL is sent back); addresses are unique among live mailboxes; another IMAP account or
// folder starts polling over; a deleted mailbox no longer takes mail over SMTP.
import { sql } from 'drizzle-orm';
import nodemailer from 'nodemailer';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { rows } from '../../../db/client.js';
import { startTestApp, type TestApp } from '../../../../test/helpers/app.js';
import { makeUser, unique } from '../../../../test/helpers/factories.js';
import { SYSTEM_ACTOR } from '../../lib/actor.js';
import { createTeam } from '../teams/teams.service.js';
import { maskUrlPassword } from '../../lib/url-password.js';
import { startSmtpReceiver, type SmtpReceiver } from './smtp-receiver.js';

let t: TestApp;
let admin: string;
let agent: string;
let customer: string;
let receiver: SmtpReceiver;
beforeAll(async () => {
  t = await startTestApp();
  admin = (await makeUser(t.db, 'admin')).token;
  agent = (await makeUser(t.db, 'agent')).token;
  customer = (await makeUser(t.db, 'customer')).token;
  receiver = await startSmtpReceiver({
    db: t.db,
    host: '127.0.0.1',
    port: 0,
    mailFrom: 'Steward Support <support@steward.localhost>',
  });
});
afterAll(async () => {
  await receiver?.stop();
  await t?.close();
});

const address = () => `help-${unique()}@shop.example`;
const storedUrl = async (id: string) =>
  (await rows<{ imap_url: string | null }>(t.db, sql`select imap_url from mailboxes where id = ${id}`))[0]!
    .imap_url;

describe('mailboxes API', () => {
  it('creates, reads, lists, changes and deletes a mailbox', async () => {
    const team = await createTeam(t.db, SYSTEM_ACTOR, { name: `Help ${unique()}` });
    const a = address();
    const created = await t.post(
      '/api/v1/mailboxes',
      { address: a.toUpperCase(), name: 'Help', teamId: team.id },
      admin,
    );
    expect(created.status).toBe(201);
    expect(created.body).toMatchObject({
      address: a,
      name: 'Help',
      teamId: team.id,
      team: { id: team.id, name: team.name },
      imapUrl: null,
      imapFolder: 'INBOX',
      imapUidValidity: null,
      imapLastUid: 0,
      lastPolledAt: null,
      lastError: null,
      active: true,
    });
    const id = created.body.id;
    expect((await t.get(`/api/v1/mailboxes/${id}`, admin)).body).toEqual(created.body);
    const list = await t.get('/api/v1/mailboxes', admin);
    expect(list.body.items.map((m: { id: string }) => m.id)).toContain(id);

    const patched = await t.patch(
      `/api/v1/mailboxes/${id}`,
      { name: 'Help desk', teamId: null, active: false },
      admin,
    );
    expect(patched.status).toBe(200);
    expect(patched.body).toMatchObject({ name: 'Help desk', teamId: null, team: null, active: false });

    const history = await rows<{ type: string; data: any }>(
      t.db,
      sql`select type, data from domain_events where entity_type = 'mailbox' and entity_id = ${id} order by occurred_at, id`,
    );
    expect(history.map((h) => h.type)).toEqual(['mailbox.created', 'mailbox.updated']);
    expect(history[1]!.data.changes.name).toEqual({ from: 'Help', to: 'Help desk' });

    expect((await t.del(`/api/v1/mailboxes/${id}`, admin)).status).toBe(204);
    expect((await t.get(`/api/v1/mailboxes/${id}`, admin)).status).toBe(404);
    expect((await t.del(`/api/v1/mailboxes/${id}`, admin)).status).toBe(404);
    // The address is free again.
    expect((await t.post('/api/v1/mailboxes', { address: a, name: 'Again' }, admin)).status).toBe(201);
  });

  it('never shows the IMAP password; the masked URL sent back keeps it', async () => {
    const url = 'imaps://help%40shop.example:s3cr%3At@imap.shop.example:993';
    const created = await t.post(
      '/api/v1/mailboxes',
      { address: address(), name: 'IMAP', imapUrl: url },
      admin,
    );
    expect(created.status).toBe(201);
    expect(created.body.imapUrl).toBe('imaps://help%40shop.example:********@imap.shop.example:993');
    expect(JSON.stringify(created.body)).not.toContain('s3cr');
    const id = created.body.id;
    expect(await storedUrl(id)).toBe(url);

    // Sending the masked URL back (a form saving everything) keeps the password.
    const same = await t.patch(
      `/api/v1/mailboxes/${id}`,
      { imapUrl: created.body.imapUrl, name: 'IMAP 2' },
      admin,
    );
    expect(same.status).toBe(200);
    expect(await storedUrl(id)).toBe(url);
    // The masked password on another server is refused: there is no password to keep.
    const moved = await t.patch(
      `/api/v1/mailboxes/${id}`,
      { imapUrl: 'imaps://help%40shop.example:********@other.example' },
      admin,
    );
    expect(moved.status).toBe(422);
    const events = await rows<{ data: unknown }>(
      t.db,
      sql`select data from domain_events where entity_type = 'mailbox' and entity_id = ${id}`,
    );
    expect(JSON.stringify(events)).not.toContain('s3cr');
    const list = await t.get('/api/v1/mailboxes', admin);
    expect(JSON.stringify(list.body)).not.toContain('s3cr');
  });

  it('another IMAP account or folder starts the polling position over', async () => {
    const created = await t.post(
      '/api/v1/mailboxes',
      { address: address(), name: 'IMAP', imapUrl: 'imap://u:p@imap.example' },
      admin,
    );
    const id = created.body.id;
    await t.db.execute(
      sql`update mailboxes set imap_uid_validity = 7, imap_last_uid = 42, last_error = 'old' where id = ${id}`,
    );
    const renamed = await t.patch(`/api/v1/mailboxes/${id}`, { name: 'Renamed' }, admin);
    expect(renamed.body).toMatchObject({ imapUidValidity: 7, imapLastUid: 42 });
    const folder = await t.patch(`/api/v1/mailboxes/${id}`, { imapFolder: 'Support' }, admin);
    expect(folder.body).toMatchObject({
      imapFolder: 'Support',
      imapUidValidity: null,
      imapLastUid: 0,
      lastError: null,
    });
  });

  it('refuses bad input with the field named', async () => {
    for (const [body, status, path] of [
      [{ address: 'not an address', name: 'x' }, 400, 'body.address'],
      [{ address: address(), name: '' }, 400, 'body.name'],
      [{ address: address(), name: 'x', imapUrl: 'http://imap.example' }, 400, 'body.imapUrl'],
      [{ address: address(), name: 'x', imapUrl: 'imap://imap.example' }, 400, 'body.imapUrl'],
      [{ address: address(), name: 'x', teamId: '01900000-0000-7000-8000-000000000000' }, 422, 'body.teamId'],
      [{ address: address(), name: 'x', extra: 1 }, 400, 'body'],
    ] as const) {
      const res = await t.post('/api/v1/mailboxes', body, admin);
      expect(res.status, JSON.stringify(body)).toBe(status);
      expect(res.body.error.message).toContain(path);
    }
    const a = address();
    expect((await t.post('/api/v1/mailboxes', { address: a, name: 'One' }, admin)).status).toBe(201);
    const twice = await t.post('/api/v1/mailboxes', { address: a.toUpperCase(), name: 'Two' }, admin);
    expect(twice.status).toBe(409);
    expect(twice.body.error.code).toBe('mailbox_exists');
  });

  it('poll now: 422 without an IMAP URL, 409 when inactive, 404 when unknown', async () => {
    const smtpOnly = await t.post('/api/v1/mailboxes', { address: address(), name: 'SMTP' }, admin);
    expect((await t.post(`/api/v1/mailboxes/${smtpOnly.body.id}/poll`, {}, admin)).status).toBe(422);
    const off = await t.post(
      '/api/v1/mailboxes',
      { address: address(), name: 'Off', imapUrl: 'imap://u:p@127.0.0.1:1', active: false },
      admin,
    );
    expect((await t.post(`/api/v1/mailboxes/${off.body.id}/poll`, {}, admin)).status).toBe(409);
    expect(
      (await t.post('/api/v1/mailboxes/01900000-0000-7000-8000-000000000000/poll', {}, admin)).status,
    ).toBe(404);
  });

  it('only admins: agents and customers are refused (403), anonymous callers 401', async () => {
    const created = await t.post('/api/v1/mailboxes', { address: address(), name: 'Admin only' }, admin);
    const id = created.body.id;
    for (const token of [agent, customer]) {
      expect((await t.get('/api/v1/mailboxes', token)).status).toBe(403);
      expect((await t.get(`/api/v1/mailboxes/${id}`, token)).status).toBe(403);
      expect((await t.post('/api/v1/mailboxes', { address: address(), name: 'x' }, token)).status).toBe(403);
      expect((await t.patch(`/api/v1/mailboxes/${id}`, { name: 'x' }, token)).status).toBe(403);
      expect((await t.del(`/api/v1/mailboxes/${id}`, token)).status).toBe(403);
      expect((await t.post(`/api/v1/mailboxes/${id}/poll`, {}, token)).status).toBe(403);
    }
    expect((await t.get('/api/v1/mailboxes')).status).toBe(401);
    expect((await t.get(`/api/v1/mailboxes/${id}`, admin)).body.name).toBe('Admin only');
  });

  it('the SMTP receiver takes mail for a new mailbox at once, and refuses it once deleted', async () => {
    const a = address();
    const send = () =>
      nodemailer
        .createTransport({ host: '127.0.0.1', port: receiver.port, secure: false, ignoreTLS: true })
        .sendMail({ from: `x-${unique()}@example.net`, to: a, subject: 'Hi', text: 'Hello' })
        .then(
          (info) => info.response.slice(0, 3),
          (err: { responseCode?: number }) => String(err.responseCode),
        );
    expect(await send()).toBe('550');
    const created = await t.post('/api/v1/mailboxes', { address: a, name: 'New' }, admin);
    expect(await send()).toBe('250');
    await t.patch(`/api/v1/mailboxes/${created.body.id}`, { active: false }, admin);
    expect(await send()).toBe('550');
    await t.patch(`/api/v1/mailboxes/${created.body.id}`, { active: true }, admin);
    await t.del(`/api/v1/mailboxes/${created.body.id}`, admin);
    expect(await send()).toBe('550');
  });

  it('is in the OpenAPI document', async () => {
    const paths = Object.keys((await t.get('/api/docs/json')).body.paths);
    for (const p of ['/api/v1/mailboxes', '/api/v1/mailboxes/{id}', '/api/v1/mailboxes/{id}/poll'])
      expect(paths).toContain(p);
  });
});

describe('maskUrlPassword', () => {
  it.each([
    ['imaps://u:p@h:993', 'imaps://u:********@h:993'],
    ['imap://u@h', 'imap://u@h'],
    ['imap://u%40x.example:p%40ss@h', 'imap://u%40x.example:********@h'],
    ['https://hook:s3cret@h.example/in?x=1', 'https://hook:********@h.example/in?x=1'],
    [null, null],
    ['not a url', null],
  ])('%s', (input, expected) => {
    expect(maskUrlPassword(input)).toBe(expected);
  });
});
