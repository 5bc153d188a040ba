// The `steward` command: start, migrate, user create, user password, secrets reseal, import customers.
import { readFileSync, writeFileSync } from 'node:fs';
import { randomBytes } from 'node:crypto';
import { Command, InvalidArgumentError, Option } from 'commander';
import { migrateDatabase } from '../db/migrate.js';
import { loadConfig, type Config } from '../server/config.js';
import { SYSTEM_ACTOR } from '../server/lib/actor.js';
import { AppError } from '../server/lib/errors.js';
import { openConfiguredDatabase } from '../server/database.js';
import { importCustomersCsv } from '../server/domains/imports/customer-import.js';
import { findLiveUserByEmail } from '../server/domains/auth/auth.repo.js';
import { keysOf } from '../server/domains/auth/secret-box.js';
import { resealSecrets } from '../server/domains/auth/secret-reseal.js';
import { createUser, updateUser } from '../server/domains/users/users.service.js';
import { configureMail } from '../server/domains/mail/outbox.js';
import { Password, UserCreate, ROLES } from '../shared/schemas/users.js';
import { createProgress } from './progress.js';

const program = new Command('steward')
  .description('Steward: proactive customer service management')
  .showHelpAfterError();

function port(value: string) {
  const n = Number(value);
  if (!Number.isInteger(n) || n < 0 || n > 65535) throw new InvalidArgumentError('a port from 0 to 65535');
  return n;
}

function config(overrides: Partial<Config> = {}): Config {
  return loadConfig(process.env, overrides);
}

program
  .command('start')
  .description('serve the API and web UI (migrates the database first)')
  .option('--demo', 'seed the demo company on an empty database and print the demo logins')
  .option('--port <port>', 'port (default: $PORT or 3000)', port)
  .option('--host <host>', 'address to listen on (default: $HOST or 127.0.0.1)')
  .action(async (opts: { demo?: boolean; port?: number; host?: string }) => {
    // The server (Fastify, every route, the jobs) is loaded for `start` only: the other commands
    // open the database without it, and start in a fraction of the time.
    const { DEFAULT_WEB_DIR, exitWhenDatabaseLost, startServer, stopOnSignals } =
      await import('../server/start.js');
    const cfg = config({
      webDir: DEFAULT_WEB_DIR,
      ...(opts.port !== undefined ? { port: opts.port } : {}),
      ...(opts.host ? { host: opts.host } : {}),
    });
    const server = await startServer(cfg, {
      demo: opts.demo,
      // Seeding takes a few seconds on the first start: say what it is doing.
      onDemoProgress: (part) => console.error(`seeding the demo: ${part}…`),
    });
    stopOnSignals(server, server.app.log);
    exitWhenDatabaseLost(server, server.app.log);
    const where =
      server.handle.kind === 'pglite'
        ? `embedded PGlite in ${cfg.dataDir}`
        : `PostgreSQL ${server.handle.location}`;
    const lines = [
      ``,
      `Steward is running at ${server.url}`,
      `  database: ${where}`,
      `  API docs: ${server.url}/api/docs`,
    ];
    if (server.demo) {
      lines.push(
        `  demo data: ${server.demo.organizations} organizations, ${server.demo.customers} customers, ${server.demo.cases} cases, ${server.demo.signals} signals`,
      );
      lines.push(`  demo logins:`);
      for (const l of server.demo.logins)
        lines.push(`    ${l.role.padEnd(9)} ${l.email.padEnd(32)} ${l.password}`);
    }
    for (const notice of server.notices) lines.push(`  note: ${notice}`);
    console.log(lines.join('\n') + '\n');
  });

program
  .command('migrate')
  .description('apply pending database migrations and exit')
  .action(async () => {
    const cfg = config();
    const handle = await openConfiguredDatabase(cfg);
    try {
      await migrateDatabase(handle);
      console.log(`migrations applied (${handle.kind}: ${handle.location})`);
    } finally {
      await handle.close();
    }
  });

/** The password a `user` command sets: --password, else $STEWARD_USER_PASSWORD, else a random one. */
function chosenPassword(given: string | undefined) {
  const generated = !given && !process.env.STEWARD_USER_PASSWORD;
  return {
    password: given ?? process.env.STEWARD_USER_PASSWORD ?? randomBytes(12).toString('base64url'),
    generated,
  };
}

const user = program.command('user').description('manage users');
user
  .command('create')
  .description('create a user; prints a generated password when none is given')
  .requiredOption('--email <email>', 'e-mail (the login)')
  .requiredOption('--name <name>', 'display name')
  .addOption(new Option('--role <role>', 'role').choices(ROLES).makeOptionMandatory())
  .option('--password <password>', 'password (default: $STEWARD_USER_PASSWORD, else generated)')
  .option('--customer-id <id>', 'for role customer: the customer record')
  .option('--invite', 'staff: e-mail them a link to choose their password (7 days) instead of a password')
  .action(
    async (opts: {
      email: string;
      name: string;
      role: string;
      password?: string;
      customerId?: string;
      invite?: boolean;
    }) => {
      const { password, generated } = opts.invite
        ? { password: opts.password, generated: false }
        : chosenPassword(opts.password);
      const input = UserCreate.safeParse({
        email: opts.email,
        name: opts.name,
        role: opts.role,
        password,
        customerId: opts.customerId,
        invite: opts.invite,
      });
      if (!input.success) {
        const issue = input.error.issues[0]!;
        throw new AppError(400, 'validation_error', `--${String(issue.path[0] ?? '')}: ${issue.message}`);
      }
      const cfg = config();
      // The invitation is queued for the outgoing mail server the server sends with, as the API's
      // would be; held (on the Mail page) when there is none.
      configureMail(cfg);
      const handle = await openConfiguredDatabase(cfg);
      try {
        await migrateDatabase(handle);
        const created = await createUser(handle.db, SYSTEM_ACTOR, input.data, {
          publicUrl: cfg.publicUrl,
        });
        console.log(`created ${created.role} ${created.email} (${created.id})`);
        if (created.invitation?.held)
          console.log(
            `invitation to ${created.email} held: no outgoing mail server is set (STEWARD_SMTP_URL); read or send it on the Mail page (the link works for 7 days)`,
          );
        else if (created.invitation)
          console.log(`invitation queued to ${created.email} (the link works for 7 days)`);
        if (generated) console.log(`password: ${password}`);
      } finally {
        await handle.close();
      }
    },
  );

user
  .command('password')
  .description(
    'set a new password for a user (an admin who lost theirs); ends their sessions and API tokens; prints a generated one when none is given',
  )
  .requiredOption('--email <email>', 'the login')
  .option('--password <password>', 'the new password (default: $STEWARD_USER_PASSWORD, else generated)')
  .action(async (opts: { email: string; password?: string }) => {
    const { password, generated } = chosenPassword(opts.password);
    const checked = Password.safeParse(password);
    if (!checked.success) {
      throw new AppError(400, 'validation_error', `--password: ${checked.error.issues[0]!.message}`);
    }
    const handle = await openConfiguredDatabase(config());
    try {
      await migrateDatabase(handle);
      const found = await findLiveUserByEmail(handle.db, opts.email);
      if (!found) throw new AppError(404, 'not_found', `no user with the e-mail ${opts.email}`);
      await updateUser(handle.db, SYSTEM_ACTOR, found.id, { password: checked.data });
      console.log(`new password set for ${found.role} ${found.email}; their sessions and API tokens ended`);
      if (generated) console.log(`password: ${password}`);
    } finally {
      await handle.close();
    }
  });

const secrets = program.command('secrets').description('staff two-step sign-in secrets');
secrets
  .command('reseal')
  .description(
    'seal every two-step secret with STEWARD_SECRET_KEY now: those stored before it was set and those sealed with a key of STEWARD_SECRET_KEY_PREVIOUS (otherwise each moves when its owner next enters a code)',
  )
  .action(async () => {
    const cfg = config();
    const handle = await openConfiguredDatabase(cfg);
    const progress = createProgress();
    try {
      await migrateDatabase(handle);
      const report = await resealSecrets(handle.db, keysOf(cfg.secretKey, cfg.previousSecretKeys), {
        onProgress: (done, total) => progress.update('secrets', done, total),
      });
      progress.stop();
      console.log(
        `${report.total} two-step secrets: ${report.resealed} sealed with STEWARD_SECRET_KEY now, ${report.current} already were` +
          (report.stale > report.resealed + report.removed
            ? `, ${report.stale - report.resealed - report.removed} changed meanwhile (left as their owner's sign-in sealed them)`
            : '') +
          (report.removed > 0 ? `, ${report.removed} removed meanwhile (two-step sign-in turned off)` : '') +
          `, ${report.unreadable.length} no key opens`,
      );
      for (const u of report.unreadable)
        console.error(
          `cannot open the secret of ${u.email}: add the key it was sealed with to STEWARD_SECRET_KEY_PREVIOUS, or turn their two-step sign-in off`,
        );
      if (report.unreadable.length > 0) process.exitCode = 1;
      else if (cfg.previousSecretKeys.length > 0 && report.stale === report.resealed + report.removed)
        console.log('every secret opens with STEWARD_SECRET_KEY: STEWARD_SECRET_KEY_PREVIOUS can be removed');
    } finally {
      progress.stop();
      await handle.close();
    }
  });

const importCmd = program.command('import').description('bulk imports');
importCmd
  .command('customers')
  .description('import customers from a CSV file: all-or-nothing unless --skip-invalid')
  .argument(
    '<file>',
    'CSV with a header: name,email,phone,organization,segment,language,timeZone,externalId,organizationAccess,cf.<key>',
  )
  .option('--skip-invalid', 'import the valid rows and report the invalid ones')
  .option('--dry-run', 'validate only; write nothing')
  .option('--errors <file>', 'write the per-row error report to this CSV file')
  .action(async (file: string, opts: { skipInvalid?: boolean; dryRun?: boolean; errors?: string }) => {
    const text = readFileSync(file, 'utf8');
    const handle = await openConfiguredDatabase(config());
    const progress = createProgress();
    try {
      await migrateDatabase(handle);
      const report = await importCustomersCsv(handle.db, SYSTEM_ACTOR, text, {
        skipInvalid: opts.skipInvalid,
        dryRun: opts.dryRun,
        onProgress: (phase, done, total) => progress.update(phase, done, total),
      });
      progress.stop();
      for (const e of report.errors.slice(0, 50)) console.error(`line ${e.row}: ${e.field}: ${e.message}`);
      if (report.errors.length > 50) console.error(`... and ${report.errors.length - 50} more errors`);
      if (opts.errors) {
        const rows = report.errors.map((e) =>
          [e.row, e.field, `"${e.message.replace(/"/g, '""')}"`].join(','),
        );
        writeFileSync(opts.errors, ['line,field,message', ...rows].join('\n') + '\n');
        console.error(`error report written to ${opts.errors}`);
      }
      console.log(
        `${report.total} rows: ${report.valid} valid, ${report.invalid} invalid; ` +
          (report.committed
            ? `imported ${report.imported} customers, created ${report.organizationsCreated} organizations`
            : report.dryRun
              ? 'dry run: nothing written'
              : 'nothing imported (fix the rows or use --skip-invalid)'),
      );
      if (!report.committed && !report.dryRun && report.invalid > 0) process.exitCode = 1;
    } finally {
      progress.stop();
      await handle.close();
    }
  });

program.parseAsync(process.argv).catch((err: unknown) => {
  if (err instanceof AppError) console.error(`steward: ${err.message}`);
  else console.error(`steward: ${err instanceof Error ? err.message : String(err)}`);
  process.exit(err instanceof AppError && err.statusCode < 500 ? 2 : 1);
});
