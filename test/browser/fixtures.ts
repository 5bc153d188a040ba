// Data the case and admin browser tests build through the API, so they do not depend on what
// the demo seed happens to contain: a 24/7 calendar (clocks count every minute), an agreement
// for one customer (the most specific scope wins over any seeded agreement), and cases.
import { sql } from 'drizzle-orm';
import type { Page } from 'playwright-core';
import { checkSourceSilence } from '../../src/server/domains/events/source-silence.js';
import type { Agreement } from '../../src/shared/schemas/agreements.js';
import type { Case } from '../../src/shared/schemas/cases.js';
import type { Customer } from '../../src/shared/schemas/customers.js';
import { DEMO, text, type Stack } from './harness.js';

const admin = { login: DEMO.admin };

export interface CalendarDto {
  id: string;
  name: string;
  timezone: string;
  hours: { day: number; open: string; close: string }[];
  holidays: string[];
  namedHolidays: { date: string; name: string | null }[];
}

export async function findCustomer(stack: Stack, email: string): Promise<Customer> {
  const page = await stack.api<{ items: Customer[] }>(`/customers?q=${encodeURIComponent(email)}`, admin);
  const found = page.items.find((c) => c.email === email);
  if (!found) throw new Error(`no demo customer ${email}`);
  return found;
}

export function createAlwaysOpenCalendar(stack: Stack, name = 'Browser tests 24/7') {
  return stack.api<CalendarDto>('/calendars', {
    ...admin,
    method: 'POST',
    body: {
      name,
      timezone: 'UTC',
      hours: [1, 2, 3, 4, 5, 6, 7].map((day) => ({ day, open: '00:00', close: '24:00' })),
      holidays: [],
    },
  });
}

/**
 * The agreement for one customer. Should the seed one day hold an agreement for that customer
 * already, that one is given these terms instead (one active agreement per scope).
 */
export async function agreementForCustomer(
  stack: Stack,
  customerId: string,
  terms: {
    name: string;
    calendarId: string;
    targets: { kind: string; minutes: number; priority?: string }[];
  },
): Promise<Agreement> {
  try {
    return await stack.api<Agreement>('/agreements', {
      ...admin,
      method: 'POST',
      body: { ...terms, scope: { customerId } },
    });
  } catch (err) {
    if (!String(err).includes(': 409 ')) throw err;
    const all = await stack.api<{ items: Agreement[] }>('/agreements', admin);
    const existing = all.items.find((a) => a.scope.customerId === customerId && a.active)!;
    return stack.api<Agreement>(`/agreements/${existing.id}`, { ...admin, method: 'PATCH', body: terms });
  }
}

export function createCase(
  stack: Stack,
  body: { subject: string; customerId: string; message?: string; priority?: string; createdAt?: string },
) {
  return stack.api<Case>('/cases', {
    ...admin,
    method: 'POST',
    body: {
      subject: body.subject,
      customerId: body.customerId,
      channel: 'email',
      priority: body.priority,
      createdAt: body.createdAt,
      message: { body: body.message ?? `${body.subject}: please help.` },
    },
  });
}

export const getCase = (stack: Stack, id: string) => stack.api<Case>(`/cases/${id}`, admin);

/** An event source (a made-up warehouse system) and its API token, shown once on creation. */
export async function createEventSource(stack: Stack, key: string, name = `Browser tests ${key}`) {
  return stack.api<{ key: string; token: string }>('/event-sources', {
    ...admin,
    method: 'POST',
    body: { key, name, createUnknownCustomers: true },
  });
}

/**
 * An event source with a silence alert at `alertMinutes` that has sent nothing for `quietMinutes`,
 * marked silent as the server's minute check marks it (run here rather than waited for; the
 * server's own may come first). A fresh silence: a mark a test before left, from a little
 * earlier, is dropped first. Answers the alert the source had, for a test to put back.
 */
export async function makeSourceSilent(
  stack: Stack,
  key: string,
  minutes: { alertMinutes: number; quietMinutes: number },
): Promise<number | null> {
  const path = `/event-sources/${encodeURIComponent(key)}`;
  const before = await stack.api<{ silenceAlertMinutes: number | null }>(path, admin);
  await stack.api(path, { ...admin, method: 'PATCH', body: { silenceAlertMinutes: minutes.alertMinutes } });
  await stack.db.execute(
    sql`update event_sources set last_event_at = now() - make_interval(mins => ${minutes.quietMinutes}),
      silent_since = null where key = ${key}`,
  );
  await checkSourceSilence(stack.db);
  return before.silenceAlertMinutes;
}

export interface EventIn {
  id: string;
  type: string;
  occurredAt: string;
  customer?: { id?: string; email?: string; externalId?: string };
  refs?: Record<string, string>;
  data?: Record<string, unknown>;
}

/** POST /events with a source's own token, as an operational system does; every event must be accepted. */
export async function sendEvents(stack: Stack, token: string, events: EventIn[]) {
  const res = await fetch(`${stack.url}/api/v1/events`, {
    method: 'POST',
    headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
    body: JSON.stringify({ events }),
  });
  const body = (await res.json()) as { accepted: number; results: { status: string; reason?: string }[] };
  if (!res.ok || body.accepted !== events.length)
    throw new Error(`POST /events: ${res.status} ${JSON.stringify(body)}`);
  return body;
}

/**
 * The demo's running promises would fall due during a test and notify Ava in between the counts
 * it asserts: a month more for each.
 */
export const postponeDemoPromises = (stack: Stack) =>
  stack.db.execute(sql`update case_promises
    set due_at = due_at + interval '30 days', warn_at = warn_at + interval '30 days' where state = 'active'`);

/** The number on the top bar's bell, or 0 when it shows none. */
export async function bellCount(page: Page): Promise<number> {
  const count = page.getByTestId('notifications-unread');
  return (await count.count()) === 0 ? 0 : Number(await text(count));
}
