// notify_team: every member of the team who can sign in gets a mail (queued in the action's
// transaction), with the message and links to the signal and its case; the case gets a note and
// the team a `team.notified` domain event. Members who cannot sign in get nothing.
import { eq, sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { rows, type Database } from '../../../db/client.js';
import { createTestDatabase } from '../../../../test/helpers/db.js';
import { makeCustomer, makeUser, unique } from '../../../../test/helpers/factories.js';
import { makeRule, makeSignal } from '../../../../test/helpers/signal-factories.js';
import { SYSTEM_ACTOR } from '../../lib/actor.js';
import { createCase } from '../cases/cases.service.js';
import { configureMail, mailSettings } from '../mail/outbox.js';
import { createTeam } from '../teams/teams.service.js';
import { users } from '../auth/auth.table.js';
import { deleteUser } from '../users/users.service.js';
import { runSignalActions } from './actions.js';
import { signalActions } from './signals.table.js';

let handle: Awaited<ReturnType<typeof createTestDatabase>>;
let db: Database;
const mailBefore = { ...mailSettings() };
beforeAll(async () => {
  handle = await createTestDatabase();
  db = handle.db;
  configureMail({
    mailFrom: 'Steward <help@example.com>',
    smtpUrl: undefined,
    publicUrl: 'https://desk.example.com/',
  });
});
afterAll(async () => {
  configureMail(mailBefore); // the process's mail settings, for the next file in this worker
  await handle?.close();
});

async function teamOf(memberIds: string[]) {
  return createTeam(db, SYSTEM_ACTOR, { name: `Carrier desk ${memberIds.length}`, memberIds });
}

async function notifySignal(teamId: string, withCase: boolean) {
  const customer = await makeCustomer(db);
  const rule = await makeRule(db, { name: `Shipment stuck ${unique()}` });
  const kase = withCase
    ? await createCase(db, SYSTEM_ACTOR, {
        subject: 'Proactive',
        customerId: customer.id,
        channel: 'proactive',
      })
    : null;
  const signal = await makeSignal(db, {
    ruleId: rule.id,
    customerId: customer.id,
    title: 'Shipment stuck · shipmentId SH-7',
    caseId: kase?.id ?? null,
  });
  await db.insert(signalActions).values({
    signalId: signal.id,
    position: 0,
    kind: 'notify_team',
    params: {
      kind: 'notify_team',
      teamId,
      message: 'SH-7 has not moved for {{signal.evidenceCount}} scan(s)',
    },
  });
  return { signal, kase, rule };
}

const mailTo = (signalId: string) =>
  rows<{
    to_addresses: string[];
    subject: string;
    text_body: string;
    status: string;
    case_id: string | null;
  }>(
    db,
    sql`select to_addresses, subject, text_body, status, case_id from mail_messages
      where direction = 'out' and text_body like ${`%/signals/${signalId}%`} order by to_addresses[1]`,
  );

describe('notify_team', () => {
  it('mails each member who can sign in, with the message and links; notes the case; records who was told', async () => {
    const a = await makeUser(db, 'agent', { email: 'a-agent@example.com' });
    const b = await makeUser(db, 'admin', { email: 'b-admin@example.com' });
    const away = await makeUser(db, 'agent', { email: 'c-inactive@example.com' });
    const gone = await makeUser(db, 'agent', { email: 'd-deleted@example.com' });
    await db.update(users).set({ active: false }).where(eq(users.id, away.user.id));
    const team = await teamOf([a.user.id, b.user.id, away.user.id, gone.user.id]);
    await deleteUser(db, SYSTEM_ACTOR, gone.user.id);
    const { signal, kase } = await notifySignal(team.id, true);

    expect(await runSignalActions(db)).toBe(1);

    const [action] = await rows<{ state: string; result: Record<string, unknown> }>(
      db,
      sql`select state, result from signal_actions where signal_id = ${signal.id}`,
    );
    expect(action).toEqual({
      state: 'done',
      result: { teamId: team.id, caseId: kase!.id, notified: 2 },
    });
    const mails = await mailTo(signal.id);
    expect(mails.map((m) => m.to_addresses)).toEqual([['a-agent@example.com'], ['b-admin@example.com']]);
    for (const m of mails) {
      expect(m.subject).toBe(`[${team.name}] Shipment stuck · shipmentId SH-7`);
      expect(m.status).toBe('held'); // no SMTP server in tests: kept in the outbox, visible to admins
      expect(m.case_id).toBeNull(); // not threaded into the case: a reply must not land there as the customer's
      expect(m.text_body).toContain('SH-7 has not moved for 1 scan(s)');
      expect(m.text_body).toContain(`Signal: https://desk.example.com/signals/${signal.id}`);
      expect(m.text_body).toContain(`Case: https://desk.example.com/cases/${kase!.id}`);
    }
    const [note] = await rows<{ body: string; public: boolean }>(
      db,
      sql`select body, public from messages where case_id = ${kase!.id} and body like 'To %'`,
    );
    expect(note).toEqual({ body: `To ${team.name}: SH-7 has not moved for 1 scan(s)`, public: false });
    const [event] = await rows<{ data: { notified: string[]; signalId: string } }>(
      db,
      sql`select data from domain_events where type = 'team.notified' and entity_id = ${team.id}`,
    );
    expect(event!.data.signalId).toBe(signal.id);
    expect([...event!.data.notified].sort()).toEqual([a.user.id, b.user.id].sort());
  });

  it('without a case: the mail links the signal only; a team without members is told nothing, and the action is still done', async () => {
    const a = await makeUser(db, 'agent');
    const team = await teamOf([a.user.id]);
    const { signal } = await notifySignal(team.id, false);
    await runSignalActions(db);
    const [mail] = await mailTo(signal.id);
    expect(mail!.text_body).toContain(`Signal: https://desk.example.com/signals/${signal.id}`);
    expect(mail!.text_body).not.toContain('Case:');

    const empty = await teamOf([]);
    const quiet = await notifySignal(empty.id, false);
    await runSignalActions(db);
    expect(await mailTo(quiet.signal.id)).toEqual([]);
    const [action] = await rows<{ state: string; result: { notified: number } }>(
      db,
      sql`select state, result from signal_actions where signal_id = ${quiet.signal.id}`,
    );
    expect(action).toMatchObject({ state: 'done', result: { notified: 0 } });
  });
});
