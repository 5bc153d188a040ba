// Runs before every test file (vitest `setupFiles`). The suite runs with `isolate: false`: the
// test files of a worker share its process and the modules it loaded, so whatever one file
// changes process-wide would be there for the next. Each file still gets its own database and
// server; this puts back, before each file, the process-wide settings that building an app (or a
// test) changes, as a fresh process has them. A test file that changes any other process-wide
// state puts it back itself (afterAll/afterEach); what is reset here is the list below.
import { vi } from 'vitest';
import { loadConfig } from '../../src/server/config.js';
import { closeMailTransport, configureMail } from '../../src/server/domains/mail/outbox.js';
import { configureImapPolling } from '../../src/server/domains/mail/imap-poller.js';
import { configureWebhooks } from '../../src/server/domains/webhooks/webhook-delivery.js';

// The environment variables tests change (STEWARD_TRUST_PROXY, TZ, …) as the worker started with
// them: kept on globalThis, since this module is evaluated again for every file.
const START = Symbol.for('steward.test.startEnv');
const global = globalThis as { [START]?: Record<string, string | undefined> };
const startEnv = (global[START] ??= Object.fromEntries(
  Object.entries(process.env).filter(([k]) => appEnv(k)),
));

/** The variables Steward or the tests read: its own, the server's, the process's time zone. */
function appEnv(key: string) {
  return (
    /^(STEWARD_|TEST_PGLITE_)/.test(key) || ['TZ', 'PORT', 'HOST', 'DATABASE_URL', 'LOG_LEVEL'].includes(key)
  );
}

for (const key of Object.keys(process.env)) if (appEnv(key) && !(key in startEnv)) delete process.env[key];
for (const [key, value] of Object.entries(startEnv)) if (process.env[key] !== value) process.env[key] = value;

// Settings a built app sets for the whole process (mail, webhooks, IMAP), at their defaults.
const defaults = loadConfig({});
await closeMailTransport();
configureMail({ mailFrom: defaults.mailFrom, smtpUrl: undefined, publicUrl: defaults.publicUrl });
configureWebhooks({ webhookLocalNetwork: defaults.webhookLocalNetwork });
configureImapPolling({ pollSeconds: defaults.imapPollSeconds });

// A file that faked the clock and failed before putting it back.
vi.useRealTimers();
