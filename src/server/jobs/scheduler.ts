// Runs periodic jobs in every server process. The jobs themselves claim their rows through
// PostgreSQL (SKIP LOCKED + once-only conditions), so running them on many nodes is safe;
// this loop only decides when to look. A job that finds a full batch runs again at once.
import type { FastifyBaseLogger } from 'fastify';
import { urgentTurn, type Database } from '../../db/client.js';
import { maintainEmbedded } from '../../db/maintenance.js';
import { PUBLIC_REQUEST_PRUNE_BATCH, prunePublicRequests } from '../lib/rate-limit.js';
import { SIGN_IN_PRUNE_BATCH, pruneSignInRecords } from '../domains/auth/sign-in-retention.js';
import { pruneUnsentUploads, UNSENT_UPLOADS_PRUNE_BATCH } from '../domains/cases/attachments.service.js';
import {
  FOLLOW_UP_BATCH,
  JOB_BATCH,
  closeSolvedCases,
  openFollowUps,
  recordBreaches,
  recordWarnings,
} from '../domains/cases/case-jobs.js';
import { closeDueCommitments } from '../domains/commitments/commitments.engine.js';
import { moveMergeStragglers } from '../domains/customers/customer-merge.js';
import { moveOrganizationMergeStragglers } from '../domains/organizations/organization-merge.js';
import { SEND_BATCH, sendQueuedMail } from '../domains/mail/outbox.js';
import {
  DIGEST_BATCH,
  NOTIFY_BATCH,
  PRUNE_BATCH as NOTIFICATIONS_PRUNE_BATCH,
  deliverNotifications,
  pruneNotifications,
  sendDigests,
} from '../domains/notifications/notifications.service.js';
import {
  DELIVERY_BATCH,
  PRUNE_BATCH as DELIVERIES_PRUNE_BATCH,
  QUEUE_BATCH,
  pruneDeliveries,
  queueWebhookDeliveries,
  sendDueWebhooks,
} from '../domains/webhooks/webhook-delivery.js';
import { RETENTION_BATCH, removeOldEvents } from '../domains/events/retention.js';
import {
  DOMAIN_EVENT_RETENTION_BATCH,
  removeOldDomainEvents,
} from '../domains/domain-events/domain-event-retention.js';
import { checkSourceSilence } from '../domains/events/source-silence.js';
import { pollDueMailboxes } from '../domains/mail/imap-poller.js';
import { MAIL_LIMITS } from '../../shared/schemas/mail.js';
import { ACTION_BATCH, actionBatchFor, runSignalActions } from '../domains/signals/actions.js';
import {
  PRUNE_BATCH,
  TIMER_BATCH,
  fireDueExpectations,
  pruneEndedWaits,
  pruneRuleHits,
} from '../domains/signals/expectations.js';

export interface Job {
  name: string;
  everyMs: number;
  run(db: Database, log: FastifyBaseLogger): Promise<number>;
  /** A run that did this many has more waiting: run again at once (default JOB_BATCH). */
  batch?: number;
}

export const DEFAULT_JOBS: Job[] = [
  { name: 'promise-breaches', everyMs: 1_000, run: (db) => recordBreaches(db) },
  { name: 'promise-warnings', everyMs: 1_000, run: (db) => recordWarnings(db) },
  // Staff notifications from the domain events (read through the consumer cursor).
  { name: 'notifications', everyMs: 1_000, run: (db) => deliverNotifications(db), batch: NOTIFY_BATCH },
  // Outgoing webhooks: the domain events they want queued (consumer cursor), then sent.
  { name: 'webhooks', everyMs: 1_000, run: (db) => queueWebhookDeliveries(db), batch: QUEUE_BATCH },
  { name: 'webhook-deliveries', everyMs: 1_000, run: (db) => sendDueWebhooks(db), batch: DELIVERY_BATCH },
  { name: 'case-auto-close', everyMs: 60_000, run: (db) => closeSolvedCases(db) },
  { name: 'case-follow-ups', everyMs: 15_000, run: (db) => openFollowUps(db), batch: FOLLOW_UP_BATCH },
  // Absence rules fire within a fraction of a second of their due time (a cheap indexed probe).
  // On PGlite it goes before the bulk writers waiting (urgentTurn in src/db/client.ts).
  {
    name: 'signal-timers',
    everyMs: 200,
    run: (db) => urgentTurn(db, () => fireDueExpectations(db)),
    batch: TIMER_BATCH,
  },
  {
    name: 'signal-actions',
    everyMs: 500,
    run: (db, log) => runSignalActions(db, actionBatchFor(db), { log }),
    batch: ACTION_BATCH,
  },
  { name: 'commitments-due', everyMs: 1_000, run: (db) => closeDueCommitments(db) },
  // What writers added to a customer or organization in the moment it was merged away (normally nothing).
  {
    name: 'merge-stragglers',
    everyMs: 60_000,
    run: async (db) => (await moveMergeStragglers(db)) + (await moveOrganizationMergeStragglers(db)),
    batch: Number.MAX_SAFE_INTEGER,
  },
  // Notification e-mails gathered in an hourly or daily digest, for those who chose one.
  { name: 'notification-digests', everyMs: 60_000, run: (db) => sendDigests(db), batch: DIGEST_BATCH },
  {
    name: 'notifications-prune',
    everyMs: 600_000,
    run: (db) => pruneNotifications(db),
    batch: NOTIFICATIONS_PRUNE_BATCH,
  },
  {
    name: 'webhook-deliveries-prune',
    everyMs: 600_000,
    run: (db) => pruneDeliveries(db),
    batch: DELIVERIES_PRUNE_BATCH,
  },
  { name: 'rule-hits-prune', everyMs: 600_000, run: (db) => pruneRuleHits(db), batch: PRUNE_BATCH },
  { name: 'rule-waits-prune', everyMs: 600_000, run: (db) => pruneEndedWaits(db), batch: PRUNE_BATCH },
  // Sources with a silence alert that sent nothing for that long are marked (and unmarked).
  {
    name: 'source-silence',
    everyMs: 60_000,
    run: (db) => checkSourceSilence(db),
    batch: Number.MAX_SAFE_INTEGER,
  },
  // Operational events older than the eventRetentionDays setting (none by default).
  { name: 'event-retention', everyMs: 600_000, run: (db) => removeOldEvents(db), batch: RETENTION_BATCH },
  // The audit trail (domain events) older than the domainEventRetentionDays setting (none by default).
  {
    name: 'domain-event-retention',
    everyMs: 600_000,
    run: (db) => removeOldDomainEvents(db),
    batch: DOMAIN_EVENT_RETENTION_BATCH,
  },
  // Files uploaded to a case and never sent on a message, a day on.
  {
    name: 'unsent-uploads-prune',
    everyMs: 600_000,
    run: (db) => pruneUnsentUploads(db),
    batch: UNSENT_UPLOADS_PRUNE_BATCH,
  },
  {
    name: 'public-requests-prune',
    everyMs: 600_000,
    run: (db) => prunePublicRequests(db),
    batch: PUBLIC_REQUEST_PRUNE_BATCH,
  },
  // Login attempts, ended sessions and e-mailed links, a month on.
  {
    name: 'sign-in-records-prune',
    everyMs: 600_000,
    run: (db) => pruneSignInRecords(db),
    batch: SIGN_IN_PRUNE_BATCH,
  },
  // The embedded database has no autovacuum: vacuum and analyze what needs it (PostgreSQL: nothing).
  {
    name: 'embedded-maintenance',
    everyMs: 60_000,
    run: async (db) => (await maintainEmbedded(db)).length,
    batch: Number.MAX_SAFE_INTEGER,
  },
  // Outgoing mail: sent within a second or so of the reply (nothing to do without STEWARD_SMTP_URL).
  { name: 'mail-outbox', everyMs: 1_000, run: (db) => sendQueuedMail(db), batch: SEND_BATCH },
  // IMAP mailboxes: each polled every STEWARD_IMAP_POLL_SECONDS; the claim decides which are due.
  { name: 'imap-poll', everyMs: 1_000, run: (db) => pollDueMailboxes(db), batch: MAIL_LIMITS.pollBatch },
];

export function startScheduler(db: Database, log: FastifyBaseLogger, jobs: Job[] = DEFAULT_JOBS) {
  const timers: NodeJS.Timeout[] = [];
  const running = new Set<Promise<void>>();
  let stopped = false;
  for (const job of jobs) {
    let busy = false;
    const tick = async () => {
      // One run of a job at a time per process: a slow run is not overtaken by the next tick.
      if (stopped || busy) return;
      busy = true;
      try {
        let n: number;
        do {
          n = await job.run(db, log);
          if (n > 0) log.info({ job: job.name, count: n }, 'job done');
        } while (n >= (job.batch ?? JOB_BATCH) && !stopped);
      } catch (err) {
        if (!stopped) log.error({ err, job: job.name }, 'job failed');
      } finally {
        busy = false;
      }
    };
    const timer = setInterval(() => {
      const p = tick();
      running.add(p);
      void p.finally(() => running.delete(p));
    }, job.everyMs);
    timer.unref();
    timers.push(timer);
  }
  return {
    async stop() {
      stopped = true;
      timers.forEach(clearInterval);
      await Promise.allSettled([...running]);
    },
  };
}
