// Opens the database, migrates, creates the first admin, optionally seeds the demo, listens.
// Shutdown (SIGTERM/SIGINT): stop accepting, let in-flight requests finish, close the database.
import { fileURLToPath } from 'node:url';
import type { FastifyBaseLogger } from 'fastify';
import type { DatabaseHandle } from '../db/client.js';
import { migrateDatabase } from '../db/migrate.js';
import { Email } from '../shared/schemas/common.js';
import { Password } from '../shared/schemas/users.js';
import { buildApp, type App } from './app.js';
import { openConfiguredDatabase } from './database.js';
import { isUnreachablePublicUrl, type Config } from './config.js';
import { seedDemo, type DemoSummary } from './demo/seed.js';
import { SYSTEM_ACTOR } from './lib/actor.js';
import { anyUserExists, bootstrapAdmin } from './domains/users/users.service.js';
import { keysOf } from './domains/auth/secret-box.js';
import { secretsState } from './domains/auth/secret-reseal.js';
import { startScheduler } from './jobs/scheduler.js';
import { startSmtpReceiver } from './domains/mail/smtp-receiver.js';
import { closeMailTransport, configureMail } from './domains/mail/outbox.js';

export const DEFAULT_WEB_DIR = fileURLToPath(new URL('../../dist/web', import.meta.url));

export interface RunningServer {
  app: App;
  handle: DatabaseHandle;
  url: string;
  demo?: DemoSummary;
  /** The SMTP receiver's port, when STEWARD_SMTP_PORT turned it on. */
  smtpPort?: number;
  /** What the operator must still set before people can use it (startupNotices); [] when nothing. */
  notices: string[];
  stop(): Promise<void>;
}

export async function startServer(
  config: Config,
  opts: {
    demo?: boolean;
    /** With `demo`: told each part of the demo as it is seeded (not when the demo exists). */
    onDemoProgress?: (part: string) => void;
    logger?: boolean | object;
  } = {},
): Promise<RunningServer> {
  if (config.adminEmail || config.adminPassword) {
    if (!config.adminEmail || !config.adminPassword) {
      throw new Error('set both STEWARD_ADMIN_EMAIL and STEWARD_ADMIN_PASSWORD, or neither');
    }
    if (!Email.safeParse(config.adminEmail).success)
      throw new Error('STEWARD_ADMIN_EMAIL is not an e-mail address');
    const pw = Password.safeParse(config.adminPassword);
    if (!pw.success) throw new Error(`STEWARD_ADMIN_PASSWORD ${pw.error.issues[0]?.message}`);
  }
  const handle = await openConfiguredDatabase(config);
  try {
    await migrateDatabase(handle);
    await bootstrapAdmin(handle.db, SYSTEM_ACTOR, config.adminEmail, config.adminPassword);
    const demo = opts.demo ? await seedDemo(handle.db, { onProgress: opts.onDemoProgress }) : undefined;
    const app = await buildApp({
      db: handle.db,
      databaseKind: handle.kind,
      config,
      logger: opts.logger ?? { level: config.logLevel },
    });
    await app.listen({ port: config.port, host: config.host });
    const scheduler = startScheduler(handle.db, app.log);
    // STEWARD_SMTP_PORT: the built-in SMTP receiver, on the same host as the API.
    const smtp =
      config.smtpPort === undefined
        ? undefined
        : await startSmtpReceiver({
            db: handle.db,
            host: config.host,
            port: config.smtpPort,
            mailFrom: config.mailFrom,
            log: app.log,
          }).catch(async (err: unknown) => {
            await scheduler.stop();
            await app.close();
            throw err;
          });
    if (smtp) app.log.info({ port: smtp.port, host: config.host }, 'SMTP receiver listening');
    const address = app.server.address();
    const port = typeof address === 'object' && address ? address.port : config.port;
    const host = config.host.includes(':') ? `[${config.host}]` : config.host;
    // Links in mail and suggestions point at the address we listen on unless one was given.
    if (!config.publicUrl) {
      config.publicUrl = `http://${host}:${port}`;
      configureMail(config); // jobs' mail links too
    }
    const secrets = await secretsState(handle.db, keysOf(config.secretKey, config.previousSecretKeys));
    const notices = startupNotices(config, {
      anyUser: await anyUserExists(handle.db),
      sealedSecretsWithoutKey: !config.secretKey && secrets.unreadable.length > 0,
      ...(config.secretKey
        ? { unreadableSecrets: secrets.unreadable.length, staleSecrets: secrets.stale }
        : {}),
    });
    for (const notice of notices) app.log.warn(notice);
    let stopping: Promise<void> | undefined;
    const stop = () =>
      (stopping ??= (async () => {
        // No new mail first; mail being received is stored before the database closes.
        await smtp?.stop();
        // close() drops idle keep-alive sockets once; a socket busy with an in-flight request
        // would otherwise linger until its keep-alive timeout after answering, so sweep again.
        const sweep = setInterval(() => app.server.closeIdleConnections(), 100);
        try {
          await app.close();
        } finally {
          clearInterval(sweep);
        }
        await scheduler.stop();
        await closeMailTransport();
        await handle.close();
      })());
    return { app, handle, url: `http://${host}:${port}`, demo, stop, smtpPort: smtp?.port, notices };
  } catch (err) {
    await handle.close().catch(() => {});
    throw err;
  }
}

/**
 * What stands between a started Steward and its first users, in words for whoever started it:
 * nobody can sign in (an empty database started without STEWARD_ADMIN_EMAIL), or the links in
 * mail (invitations, sign-in links, the portal) point at an address no browser opens (HOST=0.0.0.0
 * without STEWARD_PUBLIC_URL), or staff cannot enter their two-step codes (secrets stored
 * encrypted, and STEWARD_SECRET_KEY not set, or set to another key), or secrets wait to move to
 * the key.
 */
export function startupNotices(
  config: Pick<Config, 'publicUrl'>,
  state: {
    anyUser: boolean;
    sealedSecretsWithoutKey?: boolean;
    /** With a key set: secrets neither it nor a previous key opens. */
    unreadableSecrets?: number;
    /** With a key set: secrets stored before it was set, or sealed with a previous key. */
    staleSecrets?: number;
  },
): string[] {
  const notices: string[] = [];
  if (!state.anyUser)
    notices.push(
      'No one can sign in yet: there is no user. Start again with STEWARD_ADMIN_EMAIL and STEWARD_ADMIN_PASSWORD set, or run `steward user create --role admin --email <address> --name <name>`.',
    );
  if (isUnreachablePublicUrl(config.publicUrl))
    notices.push(
      `Links in mail (invitations, sign-in links, the customer portal) would point at ${config.publicUrl}, which no browser can open. Set STEWARD_PUBLIC_URL to the address people use, e.g. https://support.example.com.`,
    );
  if (state.sealedSecretsWithoutKey)
    notices.push(
      'Two-step sign-in secrets are stored encrypted but STEWARD_SECRET_KEY is not set: those staff members cannot sign in with a code (recovery codes still work). Start again with the key they were stored with.',
    );
  const secrets = (n: number) =>
    n === 1 ? '1 two-step sign-in secret is' : `${n} two-step sign-in secrets are`;
  if (state.unreadableSecrets)
    notices.push(
      `${secrets(state.unreadableSecrets)} sealed with a key that is neither STEWARD_SECRET_KEY nor in STEWARD_SECRET_KEY_PREVIOUS: those staff members cannot sign in with a code (recovery codes still work). Add the key they were sealed with to STEWARD_SECRET_KEY_PREVIOUS, or have an admin turn their two-step sign-in off. \`steward secrets reseal\` names them.`,
    );
  if (state.staleSecrets)
    notices.push(
      `${secrets(state.staleSecrets)} not yet sealed with STEWARD_SECRET_KEY (stored before it was set, or with a previous key): each is sealed when its owner next enters a code. \`steward secrets reseal\` seals them all now; then STEWARD_SECRET_KEY_PREVIOUS can go.`,
    );
  return notices;
}

/**
 * The embedded database's thread stopped by itself (PGlite crashed, or ran out of memory): every
 * statement would fail from now on, so the process exits (status 1) with the reason, for a
 * supervisor (systemd, Docker, Kubernetes) to start it again; the data folder recovers from its
 * log as it opens. Until then /readyz answers 503.
 */
export function exitWhenDatabaseLost(
  server: Pick<RunningServer, 'handle'>,
  log: Pick<FastifyBaseLogger, 'fatal'>,
  exit: (code: number) => void = (code) => process.exit(code),
) {
  void server.handle.lost?.then((err) => {
    log.fatal({ err }, 'the embedded database stopped; exiting so that Steward can be started again');
    exit(1);
  });
}

/** SIGTERM/SIGINT: graceful stop; a second signal exits at once. */
export function stopOnSignals(server: RunningServer, log: FastifyBaseLogger) {
  let signalled = false;
  const onSignal = (signal: NodeJS.Signals) => {
    if (signalled) process.exit(1);
    signalled = true;
    log.info({ signal }, 'shutting down: finishing in-flight requests');
    server.stop().then(
      () => {
        log.info('shut down cleanly');
        process.exit(0);
      },
      (err: unknown) => {
        log.error({ err }, 'shutdown failed');
        process.exit(1);
      },
    );
  };
  process.on('SIGTERM', onSignal);
  process.on('SIGINT', onSignal);
}
