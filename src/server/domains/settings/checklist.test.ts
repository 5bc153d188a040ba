// "Getting started": the first steps of setting Steward up, each done when what it asks for
// exists, on a fresh database; admins only.
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { startTestApp, type TestApp } from '../../../../test/helpers/app.js';
import { makeAgreement, makeCalendar, makeUser } from '../../../../test/helpers/factories.js';
import { makeRule, sourceIdFor } from '../../../../test/helpers/signal-factories.js';
import { configureMail } from '../mail/outbox.js';

let t: TestApp;
let admin: string;
const FROM = 'Steward Support <support@steward.localhost>';
beforeAll(async () => {
  t = await startTestApp({ mailFrom: FROM, smtpUrl: undefined });
  admin = (await makeUser(t.db, 'admin')).token;
});
afterEach(() => configureMail({ mailFrom: FROM, smtpUrl: undefined }));
afterAll(() => t?.close());

const doneSteps = async () =>
  ((await t.get('/api/v1/settings/checklist', admin)).body.items as { step: string; done: boolean }[])
    .filter((i) => i.done)
    .map((i) => i.step);

describe('getting started', () => {
  it('ticks each step off as what it asks for comes to exist', async () => {
    const first = await t.get('/api/v1/settings/checklist', admin);
    expect(first.status).toBe(200);
    expect(first.body).toEqual({
      items: ['calendar', 'agreement', 'team', 'agent', 'intake', 'outgoing_mail', 'signals'].map((step) => ({
        step,
        done: false,
      })),
      done: false,
    });

    await makeCalendar(t.db);
    await makeUser(t.db, 'agent');
    await t.post('/api/v1/teams', { name: 'Support' }, admin);
    expect(await doneSteps()).toEqual(['calendar', 'team', 'agent']);
    await makeAgreement(t.db);
    await t.post('/api/v1/mailboxes', { address: 'help@acme.example', name: 'Help' }, admin);
    await sourceIdFor(t.db);
    expect(await doneSteps()).toEqual(['calendar', 'agreement', 'team', 'agent', 'intake']);
    await makeRule(t.db);
    expect(await doneSteps()).toEqual(['calendar', 'agreement', 'team', 'agent', 'intake', 'signals']);

    // Outgoing mail counts once it goes out, from an address of ours.
    configureMail({ mailFrom: FROM, smtpUrl: 'smtp://127.0.0.1:9' });
    expect(await doneSteps()).not.toContain('outgoing_mail');
    configureMail({ mailFrom: 'Acme Support <help@acme.example>', smtpUrl: 'smtp://127.0.0.1:9' });
    expect(await doneSteps()).toContain('outgoing_mail');
    expect((await t.get('/api/v1/settings/checklist', admin)).body.done).toBe(true);
  });

  it('is for admins only', async () => {
    const agent = await makeUser(t.db, 'agent');
    const customer = await makeUser(t.db, 'customer');
    expect((await t.get('/api/v1/settings/checklist', agent.token)).status).toBe(403);
    expect((await t.get('/api/v1/settings/checklist', customer.token)).status).toBe(403);
    expect((await t.get('/api/v1/settings/checklist')).status).toBe(401);
  });
});
