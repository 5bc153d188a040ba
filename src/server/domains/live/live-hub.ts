// The live stream's engine, one per server process: while anyone is connected it looks a few
// times a second for transactions that have ended, reads what they changed (domain events and
// new notifications), and sends each connected person their share as hints (core/live-news.ts).
//
// Each node reads PostgreSQL itself, so a change made through one node reaches the people
// connected to every other; nodes share nothing else. It reads in windows of transaction ids,
// [last horizon, new horizon), where the horizon is the oldest transaction still running
// (`pg_snapshot_xmin`): every transaction below it has ended, so a change committed late is
// never skipped (the same reasoning as domain-event-consumers.ts). A long transaction delays the
// news for its length. Idle, a look costs one tiny query; nothing is written.
import { sql } from 'drizzle-orm';
import type { ServerResponse } from 'node:http';
import { rows, type Database } from '../../../db/client.js';
import { CUSTOMER_CASE_EVENTS, newsFor, type LiveWindow, type Viewer } from '../../../core/live-news.js';
import type { LiveNews } from '../../../shared/schemas/live.js';
import { isStaff, type Actor } from '../../lib/actor.js';
import { canReadCase } from '../../policies/cases.js';

export const LIVE_POLL_MS = 250;
/** A comment line now and then, so proxies and browsers keep an idle stream open. */
export const LIVE_HEARTBEAT_MS = 20_000;
/**
 * How often the tokens of open streams are checked: a signed-out or disabled user's stream ends,
 * and one whose rights changed ends so that it connects again with the new ones.
 */
export const LIVE_SESSION_CHECK_MS = 30_000;
/** Changes read per window at most; beyond, everyone is told to read everything again. */
export const LIVE_READ_MAX = 5_000;
/** Open streams per token (a tab each). */
export const LIVE_STREAMS_PER_TOKEN = 10;
/** A client this far behind (bytes not yet taken by its socket) is dropped; it reconnects and reads again. */
const BACKLOG_MAX = 256 * 1024;

export interface LiveStream {
  readonly viewer: Viewer;
  readonly tokenId: string | null;
  /** What the stream's news were chosen by (rightsOf): changed, the stream ends. */
  readonly rights: string;
  send(event: string, data: unknown): void;
  end(reason: string): void;
}

export interface LiveHub {
  /**
   * Starts a stream on `out` after `begin` (which writes the headers); null when the token has
   * too many. Every change committed after its `ready` reaches it.
   */
  open(actor: Actor, out: ServerResponse, begin: () => void): Promise<LiveStream | null>;
  close(stream: LiveStream): void;
  /** Ends the streams whose tokens are no longer valid (also every LIVE_SESSION_CHECK_MS). */
  checkSessions(): Promise<void>;
  /** Ends every stream and stops (server shutdown). */
  stop(): void;
}

interface ChangeRow {
  entity_type: string;
  entity_id: string;
  public: boolean;
  n: number;
  customer_id: string | null;
  organization_id: string | null;
  visible: boolean;
}

/** What the transactions of [from, to) changed. */
async function readWindow(
  db: Database,
  from: string,
  to: string,
  staffListening: boolean,
): Promise<LiveWindow & { peopleChanged: boolean }> {
  const changes = await rows<ChangeRow>(
    db,
    sql`select e.entity_type, e.entity_id::text, bool_or(e.type = any(${sql.param(CUSTOMER_CASE_EVENTS)}::text[])) as public,
        count(*)::int as n, c.customer_id::text, c.organization_id::text,
        coalesce(c.channel <> 'proactive' or exists (select 1 from messages m where m.case_id = c.id and m.public), false) as visible
      from (select entity_type, entity_id, type from domain_events
        where tx >= ${from}::xid8 and tx < ${to}::xid8 and entity_type in ('case', 'signal', 'commitment', 'event_source')
        limit ${LIVE_READ_MAX + 1}) e
      left join cases c on e.entity_type = 'case' and c.id = e.entity_id
      group by e.entity_type, e.entity_id, c.id`,
  );
  const read = changes.reduce((sum, c) => sum + c.n, 0);
  const notified = staffListening
    ? await rows<{ user_id: string }>(
        db,
        sql`select distinct user_id::text from notifications where tx >= ${from}::xid8 and tx < ${to}::xid8
          limit ${LIVE_READ_MAX + 1}`,
      )
    : [];
  // A change to people (a customer's organization or access, a user's role, a sign-out) may
  // change what a stream may hear: its sessions are checked before these news go out.
  const [people] = await rows<{ changed: boolean }>(
    db,
    sql`select exists (select 1 from domain_events where tx >= ${from}::xid8 and tx < ${to}::xid8
          and entity_type in ('customer', 'user', 'api_token', 'organization')) as changed`,
  );
  return {
    peopleChanged: people?.changed ?? false,
    changes: changes.map((c) => ({
      entityType: c.entity_type,
      entityId: c.entity_id,
      public: c.public,
      customerId: c.customer_id,
      organizationId: c.organization_id,
      customerVisible: c.visible,
    })),
    notified: new Set(notified.map((n) => n.user_id)),
    overflow: read > LIVE_READ_MAX || notified.length > LIVE_READ_MAX,
  };
}

/** An actor's rights that decide which news it hears (newsFor, canReadCase). */
const rightsOf = (a: {
  role: string;
  customerId: string | null;
  organizationId: string | null;
  organizationAccess: boolean;
}) => [a.role, a.customerId ?? '', a.organizationId ?? '', a.organizationAccess].join('|');

const horizonOf = async (db: Database) =>
  (await rows<{ h: string }>(db, sql`select pg_snapshot_xmin(pg_current_snapshot())::text as h`))[0]!.h;

export function createLiveHub(db: Database, log: { error: (o: object, msg: string) => void }): LiveHub {
  const streams = new Set<LiveStream>();
  let from: string | null = null;
  let timer: NodeJS.Timeout | null = null;
  let heartbeat: NodeJS.Timeout | null = null;
  let sessions: NodeJS.Timeout | null = null;
  let failing = false;
  // Which run of the loop is current (0: idle). A look still running when the hub stopped, or
  // stopped and started again, must neither move `from` nor go on looking.
  let run = 0;
  let runs = 0;

  async function look(mine: number) {
    const to = await horizonOf(db);
    if (run !== mine) return;
    if (from === null || to === from) {
      from = to;
      return;
    }
    const staffListening = [...streams].some((s) => s.viewer.staff);
    const window = await readWindow(db, from, to, staffListening);
    if (run !== mine) return;
    from = to;
    // Rights taken away end the stream now, not at the next check 30 s on, before these news.
    if (window.peopleChanged) await hub.checkSessions();
    for (const stream of [...streams]) {
      const news: LiveNews | null = newsFor(stream.viewer, window);
      if (news) stream.send('news', news);
    }
  }

  function schedule(mine: number) {
    timer = setTimeout(async () => {
      try {
        await look(mine);
        failing = false;
      } catch (err) {
        // Once per outage, not four times a second.
        if (!failing) log.error({ err }, 'live stream: reading the changes failed');
        failing = true;
      }
      if (run === mine) schedule(mine);
    }, LIVE_POLL_MS);
  }

  function start() {
    run = ++runs;
    schedule(run);
    heartbeat = setInterval(() => {
      for (const s of streams) s.send('', null);
    }, LIVE_HEARTBEAT_MS);
    sessions = setInterval(() => {
      hub.checkSessions().catch((err) => log.error({ err }, 'live stream: checking sessions failed'));
    }, LIVE_SESSION_CHECK_MS);
  }

  function halt() {
    for (const t of [timer, heartbeat]) if (t) clearTimeout(t);
    if (sessions) clearInterval(sessions);
    timer = heartbeat = sessions = null;
    run = 0;
    from = null;
  }

  const hub: LiveHub = {
    async open(actor, out, begin) {
      const tokenId = actor.tokenId;
      // Idle, the hub starts reading from now: before `ready`, so that nothing after it is missed.
      from ??= await horizonOf(db);
      // Counted after the last await, and the stream is added before the next one: two requests
      // of one token at the same moment cannot both take the last place.
      if (tokenId && [...streams].filter((s) => s.tokenId === tokenId).length >= LIVE_STREAMS_PER_TOKEN)
        return null;
      begin();
      const stream: LiveStream = {
        tokenId,
        rights: rightsOf(actor),
        viewer: {
          staff: isStaff(actor),
          userId: actor.userId ?? '',
          mayRead: (c) => canReadCase(actor, c),
        },
        send(event, data) {
          if (out.destroyed || out.writableEnded) return hub.close(stream);
          if (out.writableLength > BACKLOG_MAX) return stream.end('behind');
          // An empty event is the heartbeat: a comment line, which clients ignore.
          out.write(event ? `event: ${event}\ndata: ${JSON.stringify(data)}\n\n` : ': ping\n\n');
        },
        end(reason) {
          if (!out.writableEnded) out.end(`event: end\ndata: ${JSON.stringify({ reason })}\n\n`);
          hub.close(stream);
        },
      };
      // The client going away (or its socket failing) ends the stream, whenever it happens.
      out.on('close', () => hub.close(stream));
      out.on('error', () => hub.close(stream));
      if (out.destroyed) return stream; // gone while we looked at the horizon
      streams.add(stream);
      if (streams.size === 1) start();
      stream.send('ready', {});
      return stream;
    },
    close(stream) {
      if (!streams.delete(stream)) return;
      if (streams.size === 0) halt();
    },
    async checkSessions() {
      const ids = [...new Set([...streams].map((s) => s.tokenId).filter((id): id is string => id !== null))];
      if (ids.length === 0) return;
      // As a request's sign-in would find them (auth.service.ts authenticate): the token, its user,
      // and for a customer their record, organization and whether they may see it.
      const valid = await rows<{
        id: string;
        role: string;
        customerId: string | null;
        organizationId: string | null;
        organizationAccess: boolean;
      }>(
        db,
        sql`select t.id::text, u.role, u.customer_id::text as "customerId",
            c.organization_id::text as "organizationId",
            coalesce(c.organization_access, false) as "organizationAccess"
          from auth_tokens t join users u on u.id = t.user_id
          left join customers c on c.id = u.customer_id
          where t.id = any(${sql.param(ids)}::uuid[]) and t.revoked_at is null
            and (t.expires_at is null or t.expires_at > now()) and u.active and u.deleted_at is null
            and (u.role <> 'customer' or (c.id is not null and c.deleted_at is null))`,
      );
      const now = new Map(valid.map((v) => [v.id, rightsOf(v)]));
      for (const s of [...streams]) {
        if (!s.tokenId) continue;
        const rights = now.get(s.tokenId);
        // Rights changed (a role, a customer's organization or their access to it): the client
        // connects again at once, as the new actor, and its screens read again.
        if (rights === undefined) s.end('signed_out');
        else if (rights !== s.rights) s.end('rights_changed');
      }
    },
    stop() {
      for (const s of [...streams]) s.end('server_stopping');
      halt();
    },
  };
  return hub;
}
