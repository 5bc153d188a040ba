// Silent sources: a source with a silence alert that sent nothing for that long is marked silent
// (once, with a domain event) and shown on the board, so staff know its absence signals may be
// false alarms; it is unmarked when events come again or the alert is switched off.
import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { rows } from '../../../db/client.js';
import {
  eventOf as ev,
  postSource,
  startEventsApp,
  type EventsApp,
} from '../../../../test/helpers/event-ingest.js';
import { makeUser, unique } from '../../../../test/helpers/factories.js';
import { usingPostgres } from '../../../../test/helpers/db.js';
import { checkSourceSilence } from './source-silence.js';

let app: EventsApp;
beforeAll(async () => {
  app = await startEventsApp();
});
afterAll(() => app?.t.close());

const makeSource = (body: Record<string, unknown> = {}) => postSource(app, body);
/** The source's last event (or, with `created`, its creation) so many minutes ago. */
const lastHeardAgo = (id: string, minutes: number | null, created = 0) =>
  app.t.db.execute(sql`
    update event_sources set
      last_event_at = case when ${minutes}::int is null then null else now() - make_interval(mins => ${minutes}::int) end,
      created_at = now() - make_interval(mins => ${created}::int)
    where id = ${id}`);
const source = async (key: string) => (await app.t.get(`/api/v1/event-sources/${key}`, app.admin)).body;
const board = async () => {
  const res = await app.t.get('/api/v1/board', app.agent);
  expect(res.status).toBe(200);
  return res.body.silentSources as {
    key: string;
    name: string;
    silentSince: string;
    silenceAlertMinutes: number;
  }[];
};
const logged = async (id: string) =>
  (
    await rows<{ type: string; data: Record<string, unknown> }>(
      app.t.db,
      sql`select type, data from domain_events where entity_id = ${id} and type like 'event_source.%' order by occurred_at, id`,
    )
  ).map((r) => ({ type: r.type, ...r.data }) as { type: string } & Record<string, unknown>);

/** The mails to staff about a source, oldest first. */
const mailsAbout = (name: string) =>
  rows<{ to_addresses: string[]; subject: string; text_body: string }>(
    app.t.db,
    sql`select to_addresses, subject, text_body from mail_messages
      where direction = 'out' and subject like ${`[Steward] % ${name} %`} order by created_at, id`,
  );

describe('the silence alert setting', () => {
  it('takes 5 minutes to a week, or none; is off by default; only admins set it', async () => {
    const plain = await makeSource();
    expect(plain.silenceAlertMinutes).toBeNull();
    for (const bad of [4, 10_081, 7.5, '30']) {
      const res = await app.t.post(
        '/api/v1/event-sources',
        { key: `s-${unique()}`, name: 'Bad', silenceAlertMinutes: bad },
        app.admin,
      );
      expect(res.status, `${bad}`).toBe(400);
      expect(res.body.error.message).toBe(
        'body.silenceAlertMinutes: a whole number of minutes from 5 to 10080, or none for no alert',
      );
    }
    const set = await app.t.patch(
      `/api/v1/event-sources/${plain.key}`,
      { silenceAlertMinutes: 30 },
      app.admin,
    );
    expect(set.status).toBe(200);
    expect(set.body).toMatchObject({ silenceAlertMinutes: 30, silentSince: null });
    const agent = await app.t.patch(
      `/api/v1/event-sources/${plain.key}`,
      { silenceAlertMinutes: 60 },
      app.agent,
    );
    expect(agent.status).toBe(403);
    expect((await source(plain.key)).silenceAlertMinutes).toBe(30);
    const off = await app.t.patch(
      `/api/v1/event-sources/${plain.key}`,
      { silenceAlertMinutes: null },
      app.admin,
    );
    expect(off.body.silenceAlertMinutes).toBeNull();
    expect((await logged(plain.id)).map((e) => e.type)).toEqual([
      'event_source.created',
      'event_source.updated',
      'event_source.updated',
    ]);
  });
});

describe('the silence check', () => {
  it('marks a source silent once when nothing came for its alert time, shows it on the board, and unmarks it when events come', async () => {
    const quiet = await makeSource({ name: 'Warehouse feed', silenceAlertMinutes: 30 });
    const talking = await makeSource({ silenceAlertMinutes: 30 });
    const noAlert = await makeSource();
    const neverSent = await makeSource({ name: 'New carrier', silenceAlertMinutes: 60 });
    const fresh = await makeSource({ silenceAlertMinutes: 60 });
    await lastHeardAgo(quiet.id, 31);
    await lastHeardAgo(talking.id, 10);
    await lastHeardAgo(noAlert.id, 60 * 24 * 365);
    await lastHeardAgo(neverSent.id, null, 61);
    await lastHeardAgo(fresh.id, null, 50);
    const [{ quietAt, createdAt }] = (await rows<{ quietAt: Date; createdAt: Date }>(
      app.t.db,
      sql`select (select last_event_at from event_sources where id = ${quiet.id}) as "quietAt",
        (select created_at from event_sources where id = ${neverSent.id}) as "createdAt"`,
    )) as [{ quietAt: Date; createdAt: Date }];

    expect(await board()).toEqual([]);
    expect(await checkSourceSilence(app.t.db)).toBe(2);
    expect(await checkSourceSilence(app.t.db)).toBe(0);
    const quietSince = new Date(quietAt).toISOString();
    const neverSince = new Date(createdAt).toISOString();
    expect((await source(quiet.key)).silentSince).toBe(quietSince);
    expect((await source(talking.key)).silentSince).toBeNull();
    expect((await source(noAlert.key)).silentSince).toBeNull();
    expect((await source(fresh.key)).silentSince).toBeNull();
    // Longest silent first; agents see it too (they read the signals it may have set off).
    expect(await board()).toEqual([
      { key: neverSent.key, name: 'New carrier', silentSince: neverSince, silenceAlertMinutes: 60 },
      { key: quiet.key, name: 'Warehouse feed', silentSince: quietSince, silenceAlertMinutes: 30 },
    ]);
    expect(await logged(quiet.id)).toEqual([
      {
        type: 'event_source.created',
        key: quiet.key,
        name: 'Warehouse feed',
        createUnknownCustomers: true,
        active: true,
        silenceAlertMinutes: 30,
      },
      { type: 'event_source.silent', silentSince: quietSince, silenceAlertMinutes: 30 },
    ]);

    // Each active admin gets a mail per source that fell silent; agents do not.
    const admins = (
      await rows<{ email: string }>(
        app.t.db,
        sql`select email from users where role = 'admin' and active and deleted_at is null order by email`,
      )
    ).map((a) => [a.email]);
    expect(admins.length).toBeGreaterThan(0);
    const quietMails = await mailsAbout('Warehouse feed');
    expect(quietMails.map((m) => m.to_addresses)).toEqual(admins);
    expect(quietMails[0]!.subject).toBe(
      `[Steward] No events from Warehouse feed since ${quietSince.slice(0, 16).replace('T', ' ')} UTC`,
    );
    expect(quietMails[0]!.text_body).toContain('longer than its silence alert of 30 minutes');
    expect(quietMails[0]!.text_body).toContain(`/admin/event-sources/${quiet.key}`);
    expect((await mailsAbout('New carrier')).map((m) => m.subject)).toEqual([
      `[Steward] No events from New carrier since ${neverSince.slice(0, 16).replace('T', ' ')} UTC`,
    ]);

    // Events again: unmarked at the next check, with how long it was silent.
    const sent = await app.t.post('/api/v1/events', { events: [ev('shipment.scanned')] }, quiet.token);
    expect(sent.body.accepted).toBe(1);
    expect(await checkSourceSilence(app.t.db)).toBe(1);
    expect((await source(quiet.key)).silentSince).toBeNull();
    const back = (await logged(quiet.id)).at(-1)!;
    expect(back).toMatchObject({ type: 'event_source.resumed', silentSince: quietSince, reason: 'events' });
    expect(Date.parse(back.lastEventAt as string)).toBeGreaterThan(Date.parse(quietSince));
    expect((await mailsAbout('Warehouse feed')).map((m) => m.subject)).toEqual([
      quietMails[0]!.subject,
      '[Steward] Events from Warehouse feed again',
    ]);

    // The alert switched off: off the board at once, unmarked at the next check.
    await app.t.patch(`/api/v1/event-sources/${neverSent.key}`, { silenceAlertMinutes: null }, app.admin);
    expect(await board()).toEqual([]);
    expect(await checkSourceSilence(app.t.db)).toBe(1);
    expect((await logged(neverSent.id)).at(-1)).toMatchObject({
      type: 'event_source.resumed',
      reason: 'alert_off',
    });
    // The admin who switched it off needs no mail about it.
    expect(await mailsAbout('New carrier')).toHaveLength(1);
  });

  it('raising the alert above the silence so far unmarks the source, without a mail', async () => {
    const s = await makeSource({ name: 'Slow feed', silenceAlertMinutes: 30 });
    await lastHeardAgo(s.id, 45);
    expect(await checkSourceSilence(app.t.db)).toBe(1);
    await app.t.patch(`/api/v1/event-sources/${s.key}`, { silenceAlertMinutes: 60 }, app.admin);
    expect(await checkSourceSilence(app.t.db)).toBe(1);
    expect((await source(s.key)).silentSince).toBeNull();
    expect((await logged(s.id)).at(-1)).toMatchObject({
      type: 'event_source.resumed',
      reason: 'alert_raised',
    });
    expect((await mailsAbout('Slow feed')).map((m) => m.subject)).toHaveLength(1);
    // Silent again by the new measure a quarter of an hour later.
    await lastHeardAgo(s.id, 61);
    expect(await checkSourceSilence(app.t.db)).toBe(1);
    expect((await logged(s.id)).at(-1)).toMatchObject({
      type: 'event_source.silent',
      silenceAlertMinutes: 60,
    });
  });

  it('the mails give their times in the company’s time zone, named', async () => {
    const name = `Tokyo feed ${unique()}`;
    // Tokyo keeps no summer time: nine hours ahead of UTC all year.
    const tokyo = (iso: string) =>
      `${new Date(Date.parse(iso) + 9 * 3_600_000).toISOString().slice(0, 16).replace('T', ' ')} Asia/Tokyo`;
    const setZone = async (timeZone: string | null) =>
      expect((await app.t.patch('/api/v1/settings', { timeZone }, app.admin)).status).toBe(200);
    await setZone('Asia/Tokyo');
    try {
      const s = await makeSource({ name, silenceAlertMinutes: 30 });
      await lastHeardAgo(s.id, 45);
      expect(await checkSourceSilence(app.t.db)).toBe(1);
      const since = (await source(s.key)).silentSince as string;
      const [silent] = await mailsAbout(name);
      expect(silent!.subject).toBe(`[Steward] No events from ${name} since ${tokyo(since)}`);
      expect(silent!.text_body).toContain(`has sent no event since ${tokyo(since)}:`);

      const sent = await app.t.post('/api/v1/events', { events: [ev('shipment.scanned')] }, s.token);
      expect(sent.body.accepted).toBe(1);
      expect(await checkSourceSilence(app.t.db)).toBe(1);
      const latest = (await logged(s.id)).at(-1)!.lastEventAt as string;
      const resumed = (await mailsAbout(name)).at(-1)!;
      expect(resumed.text_body).toContain(
        `sends events again (the latest at ${tokyo(latest)}), after a silence since ${tokyo(since)}.`,
      );
    } finally {
      await setZone(null);
    }
  });

  it('a deactivated source is not silent; customers see no board', async () => {
    const off = await makeSource({ silenceAlertMinutes: 5, active: false });
    await lastHeardAgo(off.id, 600);
    expect(await checkSourceSilence(app.t.db)).toBe(0);
    expect((await source(off.key)).silentSince).toBeNull();
    const customer = await makeUser(app.t.db, 'customer');
    expect((await app.t.get('/api/v1/board', customer.token)).status).toBe(403);
  });
});

describe.runIf(usingPostgres())('the silence check on many nodes (PostgreSQL)', () => {
  it('two checks at once mark a source once and record it once', async () => {
    const s = await makeSource({ silenceAlertMinutes: 30 });
    await lastHeardAgo(s.id, 45);
    const [a, b] = await Promise.all([checkSourceSilence(app.t.db), checkSourceSilence(app.t.db)]);
    expect(a + b).toBe(1);
    expect((await logged(s.id)).filter((e) => e.type === 'event_source.silent')).toHaveLength(1);
  });
});
