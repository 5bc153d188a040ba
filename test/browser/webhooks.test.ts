// Webhooks in the admin UI, against a real receiver: an admin adds one through the form (a bad
// address is refused at its field), sees its secret once, sends a test and watches the log show
// it delivered, signed with that secret; a case made while the receiver fails shows as pending
// with the receiver's answer, and "Send again" delivers it once the receiver is back. Agents see
// none of it.
import { sql } from 'drizzle-orm';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { verifyWebhookSignature } from '../../src/server/domains/events/webhook-signature.js';
import { answerWith, startReceiver, type Receiver } from '../helpers/receiver.js';
import { createCase, findCustomer } from './fixtures.js';
import { DEMO, eventually, signIn, startStack, text, texts, type Stack } from './harness.js';

let stack: Stack;
let page: Page;
let receiver: Receiver;

beforeAll(async () => {
  receiver = await startReceiver();
  stack = await startStack();
  page = await stack.newPage();
  await signIn(page, stack.url, DEMO.admin);
});
afterAll(async () => {
  await stack?.stop();
  await receiver?.close();
});

const admin = { login: DEMO.admin };
const NAME = 'Browser tests CRM';

interface Delivery {
  id: string;
  eventType: string;
  state: string;
  attempts: number;
  responseStatus: number | null;
  error: string | null;
  lastAttemptAt: string | null;
}

/** The log's rows as the admin reads them: type, state, attempts, status, error. */
const logRows = async () => {
  const rows = page.getByTestId('delivery-row');
  const out: string[][] = [];
  for (let i = 0; i < (await rows.count()); i++) {
    const row = rows.nth(i);
    out.push([
      await text(row.getByTestId('delivery-type')),
      await text(row.getByTestId('delivery-state')),
      await text(row.getByTestId('delivery-attempts')),
      await text(row.getByTestId('delivery-status')),
      await text(row.getByTestId('delivery-error')),
    ]);
  }
  return out;
};

const received = (type: string) => receiver.received.filter((r) => r.headers['x-steward-event'] === type);

let hookId = '';
let secret = '';

describe('webhooks (admin)', () => {
  it('adds a webhook through the form, refusing a bad address at its field, and shows the secret once', async () => {
    await page.goto(`${stack.url}/admin`);
    await page
      .getByRole('navigation', { name: 'Administration' })
      .getByRole('link', { name: 'Webhooks', exact: true })
      .click();
    await eventually(() => text(page.getByRole('heading', { level: 1 }))).toBe('Webhooks');
    await eventually(() => page.getByText('No webhooks yet.').count()).toBe(1);
    await page.getByRole('link', { name: 'New webhook', exact: true }).click();

    await page.getByLabel('Name', { exact: true }).fill(NAME);
    await page.getByLabel('URL', { exact: true }).fill('ftp://x');
    // Cases are ticked to begin with: this one gets only new cases, by their exact type, and knowledge base articles.
    await page.getByRole('checkbox', { name: 'Cases (case.*)', exact: true }).uncheck();
    await page.getByLabel('Exact event type', { exact: true }).fill('case.created');
    await page.getByLabel('Exact event type', { exact: true }).press('Enter');
    await page.getByRole('checkbox', { name: 'Knowledge base articles (kb_article.*)', exact: true }).check();
    expect(await page.getByTestId('webhook-exact-types').locator('li').allTextContents()).toEqual([
      'case.created×',
    ]);
    expect(await page.getByRole('button', { name: 'Remove case.created', exact: true }).count()).toBe(1);
    await page.getByRole('button', { name: 'Create webhook', exact: true }).click();
    await eventually(() => text(page.getByTestId('error-webhook-url'))).toBe(
      'must be an http:// or https:// address without a #fragment',
    );
    expect(await page.getByLabel('URL', { exact: true }).getAttribute('aria-invalid')).toBe('true');
    expect((await stack.api<{ items: unknown[] }>('/outgoing-webhooks', admin)).items).toEqual([]);

    await page.getByLabel('URL', { exact: true }).fill(`${receiver.url}/hook`);
    await page.getByRole('button', { name: 'Create webhook', exact: true }).click();
    const shown = page.getByTestId('webhook-secret-shown');
    await eventually(() => text(shown)).toContain('it is not shown again');
    expect(await text(shown)).toContain('HMAC-SHA256');
    secret = await text(page.getByTestId('webhook-secret'));
    expect(secret).toMatch(/^whsec_[A-Za-z0-9_-]{43}$/);
    const [made] = (
      await stack.api<{ items: { id: string; events: string[]; url: string }[] }>('/outgoing-webhooks', admin)
    ).items;
    expect(made).toMatchObject({ events: ['case.created', 'kb_article.*'], url: `${receiver.url}/hook` });
    hookId = made!.id;

    await page.getByRole('button', { name: 'I have copied it', exact: true }).click();
    await eventually(() => text(page.getByRole('heading', { level: 1 }))).toBe(NAME);
    expect(page.url()).toBe(`${stack.url}/admin/webhooks/${hookId}`);
    expect(await page.content()).not.toContain(secret);
    expect(await text(page.getByTestId('deliveries-empty'))).toContain('Nothing sent yet');
  });

  it('sends a test: the log shows it delivered without a reload, signed with the secret shown', async () => {
    expect(hookId).not.toBe('');
    await page.getByRole('button', { name: 'Send a test (ping)', exact: true }).click();
    await eventually(logRows).toEqual([['webhook.ping', 'Delivered', '1', '200', '—']]);
    expect(await text(page.getByTestId('webhook-last'))).toMatch(/Delivered · 200$/);

    const [ping] = received('webhook.ping');
    expect(ping?.path).toBe('/hook');
    const check = (key: string) =>
      verifyWebhookSignature({
        secret: key,
        rawBody: ping!.body,
        timestamp: ping!.headers['x-steward-timestamp'] as string,
        signature: ping!.headers['x-steward-signature'] as string,
        toleranceSeconds: 300,
      });
    expect(check(secret)).toEqual({ ok: true });
    expect(check(`${secret}x`).ok).toBe(false);
    const body = JSON.parse(ping!.body) as { type: string; entity: { id: string } };
    expect(body).toMatchObject({ type: 'webhook.ping', entity: { type: 'webhook', id: hookId } });

    // A row opens to the JSON sent and the answer.
    await page.getByRole('button', { name: 'Details', exact: true }).click();
    const payload = JSON.parse(await text(page.getByTestId('delivery-payload'))) as unknown;
    expect(payload).toEqual(body);
    expect(await text(page.getByTestId('delivery-response'))).toBe('ok');
    await page.getByRole('button', { name: 'Hide', exact: true }).click();
    expect(await page.getByTestId('delivery-details').count()).toBe(0);
  });

  it('shows a failed delivery as pending with the receiver’s answer; “Send again” delivers it', async () => {
    expect(hookId).not.toBe('');
    receiver.answer(answerWith(500, 'database down'));
    const maria = await findCustomer(stack, DEMO.customer.email);
    const made = await createCase(stack, { subject: 'Webhook browser test parcel', customerId: maria.id });
    const sent = async () =>
      (
        await stack.api<{ items: Delivery[] }>(`/outgoing-webhooks/${hookId}/deliveries?state=pending`, admin)
      ).items.find((d) => d.eventType === 'case.created' && d.attempts === 1 && d.responseStatus === 500);
    await eventually(async () => (await sent()) !== undefined).toBe(true);
    // Its own retry, 10 s on, is put off: only the button can send it now.
    const failed = (await sent())!;
    await stack.db.execute(
      sql`update webhook_deliveries set next_attempt_at = now() + interval '1 hour' where id = ${failed.id}`,
    );
    expect(received('case.created')).toHaveLength(1);
    expect(JSON.parse(received('case.created')[0]!.body)).toMatchObject({ entity: { id: made.id } });

    await page.reload();
    await eventually(logRows).toEqual([
      ['case.created', 'Pending', '1', '500', 'the receiver answered 500'],
      ['webhook.ping', 'Delivered', '1', '200', '—'],
    ]);
    expect(await text(page.getByTestId('delivery-when').first())).toMatch(/^next try /);
    expect(await text(page.getByTestId('webhook-pending'))).toBe('1');

    // While deliveries wait the page reads the webhook again and again. A colleague's rename read
    // that way leaves what is typed in the form, and says so; the admin loads their version.
    const name = page.getByLabel('Name', { exact: true });
    await name.fill('Typed meanwhile');
    await stack.api(`/outgoing-webhooks/${hookId}`, {
      ...admin,
      method: 'PATCH',
      body: { name: `${NAME} (renamed)` },
    });
    const notice = page.getByTestId('changed-meanwhile');
    await eventually(() => text(notice)).toContain('Someone else saved this webhook since you opened it');
    expect(await name.inputValue()).toBe('Typed meanwhile');
    await notice.getByRole('button', { name: 'Load their version' }).click();
    await eventually(() => name.inputValue()).toBe(`${NAME} (renamed)`);
    await stack.api(`/outgoing-webhooks/${hookId}`, { ...admin, method: 'PATCH', body: { name: NAME } });
    await page.reload();
    await eventually(() => name.inputValue()).toBe(NAME);

    receiver.answer(answerWith(200, 'thanks'));
    await page
      .getByTestId('delivery-row')
      .first()
      .getByRole('button', { name: 'Send again', exact: true })
      .click();
    await eventually(logRows).toEqual([
      ['case.created', 'Delivered', '1', '200', '—'],
      ['webhook.ping', 'Delivered', '1', '200', '—'],
    ]);
    await eventually(() => text(page.getByTestId('webhook-pending'))).toBe('0');
    const again = received('case.created');
    expect(again).toHaveLength(2);
    expect(again.map((r) => r.headers['x-steward-delivery'])).toEqual([failed.id, failed.id]);

    // The filter: only the failed-then-delivered case is not pending any more either.
    await page.getByLabel('State', { exact: true }).selectOption('pending');
    await eventually(() => text(page.getByTestId('deliveries-empty'))).toBe('No deliveries match.');
    await page.getByLabel('State', { exact: true }).selectOption('delivered');
    await eventually(() => page.getByTestId('delivery-row').count()).toBe(2);
    // And by event type: the webhook's own types, and its pings.
    await page.getByLabel('Event type', { exact: true }).selectOption('webhook.ping');
    await eventually(logRows).toEqual([['webhook.ping', 'Delivered', '1', '200', '—']]);
    await page.getByLabel('Event type', { exact: true }).selectOption('');
    await eventually(() => page.getByTestId('delivery-row').count()).toBe(2);
  });

  it('turns it off and on, and lists it with its counts and latest delivery', async () => {
    expect(hookId).not.toBe('');
    await page.getByRole('button', { name: 'Turn off', exact: true }).click();
    await eventually(() => text(page.getByTestId('webhook-state').first())).toBe('Off');
    // The form starts again from the webhook as it is now: saving it would not turn it back on.
    const onBox = page.getByRole('checkbox', { name: /^On \(events are queued/ });
    await eventually(() => onBox.isChecked()).toBe(false);
    expect(await page.getByTestId('changed-meanwhile').count()).toBe(0);
    expect(await page.getByRole('button', { name: 'Send a test (ping)', exact: true }).isDisabled()).toBe(
      true,
    );
    expect((await stack.api<{ enabled: boolean }>(`/outgoing-webhooks/${hookId}`, admin)).enabled).toBe(
      false,
    );
    await page.getByRole('button', { name: 'Turn on', exact: true }).click();
    await eventually(() => text(page.getByTestId('webhook-state').first())).toBe('On');

    await page.getByRole('link', { name: 'Webhooks', exact: true }).first().click();
    const row = page.getByTestId('webhook-row').filter({ hasText: NAME });
    await eventually(() => row.count()).toBe(1);
    expect(await text(row.getByTestId('webhook-url'))).toBe(`${receiver.url}/hook`);
    expect(await texts(row.getByTestId('webhook-events').locator('li'))).toEqual([
      'case.created',
      'kb_article.*',
    ]);
    expect(await text(row.getByTestId('webhook-state'))).toBe('On');
    expect(await text(row.getByTestId('webhook-pending'))).toBe('0');
    expect(await text(row.getByTestId('webhook-failed'))).toBe('0');
    expect(await text(row.getByTestId('webhook-last'))).toMatch(/Delivered · 200$/);
  });

  it('is for admins only: an agent sees no Webhooks entry and cannot open the pages', async () => {
    const agentPage = await stack.newPage();
    await signIn(agentPage, stack.url, DEMO.agent);
    expect(await agentPage.getByRole('link', { name: 'Webhooks', exact: true }).count()).toBe(0);
    expect(await agentPage.getByRole('link', { name: 'Admin', exact: true }).count()).toBe(0);
    for (const path of ['/admin/webhooks', `/admin/webhooks/${hookId}`, '/admin/webhooks/new']) {
      await agentPage.goto(`${stack.url}${path}`);
      await eventually(() => text(agentPage.getByTestId('not-found').locator('h1'))).toBe('Page not found');
      expect(await agentPage.getByTestId('webhook-table').count()).toBe(0);
      expect(await agentPage.getByRole('heading', { name: NAME, exact: true }).count()).toBe(0);
    }
  });
});
