// A throwaway IMAP server for tests: Debian's dovecot (package dovecot-imapd) on a free loopback
// port, with its own config, runtime folder, maildirs and a passwd-file of users, all in a temp
// folder removed on stop. Plain IMAP without TLS, only on 127.0.0.1. Runs as root (mail owned by
// `nobody`; CI) or as an ordinary user (everything owned by that user).
import { spawn, type ChildProcess } from 'node:child_process';
import {
  chmodSync,
  chownSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import { connect, createServer } from 'node:net';
import { tmpdir, userInfo } from 'node:os';
import { join } from 'node:path';

export const DOVECOT_BINARY = '/usr/sbin/dovecot';
export const dovecotInstalled = () => existsSync(DOVECOT_BINARY);

export interface DovecotUser {
  user: string;
  password: string;
}

export interface Dovecot {
  host: string;
  port: number;
  users: DovecotUser[];
  /** imap://user:password@127.0.0.1:port for a user (the first by default). */
  url(user?: string): string;
  /** The server's log so far (for failing tests). */
  log(): string;
  stop(): Promise<void>;
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      server.close(() => resolve(port));
    });
  });
}

async function waitForPort(port: number, child: ChildProcess, logFile: string, timeoutMs = 15_000) {
  const until = Date.now() + timeoutMs;
  for (;;) {
    if (child.exitCode !== null) {
      const log = existsSync(logFile) ? readFileSync(logFile, 'utf8') : '';
      throw new Error(`dovecot exited with ${child.exitCode}: ${log}`);
    }
    const open = await new Promise<boolean>((resolve) => {
      const socket = connect(port, '127.0.0.1');
      socket.once('connect', () => {
        socket.destroy();
        resolve(true);
      });
      socket.once('error', () => resolve(false));
    });
    if (open) return;
    if (Date.now() > until) throw new Error(`dovecot did not listen on ${port} within ${timeoutMs} ms`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

export async function startDovecot(
  users: DovecotUser[] = [{ user: 'support@imap.test', password: 'imap-test-password' }],
): Promise<Dovecot> {
  if (!dovecotInstalled()) throw new Error(`${DOVECOT_BINARY} is missing: install the dovecot-imapd package`);
  const dir = mkdtempSync(join(tmpdir(), 'steward-dovecot-'));
  const port = await freePort();
  const root = process.getuid?.() === 0;
  // As root, mail processes run as nobody (dovecot refuses uid 0 for mail); else as ourselves.
  const uid = root ? 65534 : process.getuid!();
  const gid = root ? 65534 : process.getgid!();
  const mail = join(dir, 'mail');
  mkdirSync(join(dir, 'run'));
  mkdirSync(join(dir, 'state'));
  mkdirSync(mail);
  if (root) {
    chmodSync(dir, 0o755); // mkdtemp makes it 0700: nobody could not reach the mail
    chownSync(mail, uid, gid);
  }
  const logFile = join(dir, 'dovecot.log');
  writeFileSync(
    join(dir, 'passwd'),
    users.map((u) => `${u.user}:{PLAIN}${u.password}:${uid}:${gid}::${join(mail, u.user)}\n`).join(''),
  );
  const me = userInfo().username;
  writeFileSync(
    join(dir, 'dovecot.conf'),
    `
base_dir = ${join(dir, 'run')}
state_dir = ${join(dir, 'state')}
instance_name = steward-test-${port}
protocols = imap
listen = 127.0.0.1
ssl = no
disable_plaintext_auth = no
auth_mechanisms = plain login
log_path = ${logFile}
mail_location = maildir:~/Maildir
first_valid_uid = 1
${root ? '' : `default_internal_user = ${me}\ndefault_login_user = ${me}\ndefault_internal_group = ${userInfo().gid}`}
passdb {
  driver = passwd-file
  args = scheme=PLAIN username_format=%u ${join(dir, 'passwd')}
}
userdb {
  driver = passwd-file
  args = username_format=%u ${join(dir, 'passwd')}
}
service imap-login {
  chroot =
  inet_listener imap {
    address = 127.0.0.1
    port = ${port}
  }
  inet_listener imaps {
    port = 0
  }
}
service anvil {
  chroot =
}
namespace inbox {
  inbox = yes
}
`,
  );
  const child = spawn(DOVECOT_BINARY, ['-F', '-c', join(dir, 'dovecot.conf')], { stdio: 'ignore' });
  try {
    await waitForPort(port, child, logFile);
  } catch (err) {
    child.kill('SIGKILL');
    rmSync(dir, { recursive: true, force: true });
    throw err;
  }
  let stopping: Promise<void> | undefined;
  return {
    host: '127.0.0.1',
    port,
    users,
    url: (user = users[0]!.user) => {
      const u = users.find((x) => x.user === user)!;
      return `imap://${encodeURIComponent(u.user)}:${encodeURIComponent(u.password)}@127.0.0.1:${port}`;
    },
    log: () => (existsSync(logFile) ? readFileSync(logFile, 'utf8') : ''),
    stop: () =>
      (stopping ??= (async () => {
        if (child.exitCode === null) {
          const exited = new Promise((r) => child.once('exit', r));
          child.kill('SIGTERM');
          await Promise.race([exited, new Promise((r) => setTimeout(r, 5_000))]);
          if (child.exitCode === null) child.kill('SIGKILL');
        }
        rmSync(dir, { recursive: true, force: true });
      })()),
  };
}
