// A real SMTP server on a loopback port that plays someone else's mail server (a customer's
// provider, a relay): it accepts what Steward sends and keeps it, parsed, for assertions. It can
// be told to answer with an error (4xx: try later; 5xx: refused) for the next deliveries.
import type { AddressInfo } from 'node:net';
import { simpleParser, type ParsedMail } from 'mailparser';
import { SMTPServer } from 'smtp-server';

export interface ReceivedMail {
  from: string;
  to: string[];
  raw: Buffer;
  parsed: ParsedMail;
  /** The header, unfolded, as sent ("" when absent). */
  header(name: string): string;
}

export interface SmtpSink {
  port: number;
  url: string;
  received: ReceivedMail[];
  /** The next `times` deliveries are answered with this code and text (451 try later, 550 refused). */
  failNext(code: number, text: string, times?: number): void;
  /** Resolves when at least n mails have arrived (rejects after the timeout). */
  waitFor(n: number, timeoutMs?: number): Promise<ReceivedMail[]>;
  /** Resolves with the first mail that `matches` once it has arrived (other mails may come between). */
  waitForMail(matches: (mail: ReceivedMail) => boolean, timeoutMs?: number): Promise<ReceivedMail>;
  close(): Promise<void>;
}

export async function startSmtpSink(): Promise<SmtpSink> {
  const received: ReceivedMail[] = [];
  const failures: { code: number; text: string }[] = [];
  const server = new SMTPServer({
    authOptional: true,
    disabledCommands: ['STARTTLS'],
    logger: false,
    onData(stream, session, callback) {
      const chunks: Buffer[] = [];
      stream.on('data', (c: Buffer) => chunks.push(c));
      stream.on('end', () => {
        const failure = failures.shift();
        if (failure) {
          const err = new Error(failure.text) as Error & { responseCode: number };
          err.responseCode = failure.code;
          callback(err);
          return;
        }
        const raw = Buffer.concat(chunks);
        simpleParser(raw).then(
          (parsed) => {
            const text = raw.toString('latin1');
            const head = text.slice(0, text.search(/\r?\n\r?\n/)).replace(/\r?\n[ \t]+/g, ' ');
            received.push({
              from: session.envelope.mailFrom ? session.envelope.mailFrom.address : '',
              to: session.envelope.rcptTo.map((r) => r.address),
              raw,
              parsed,
              header(name: string) {
                const m = new RegExp(`^${name}:[ \\t]*(.*)$`, 'im').exec(head);
                return m ? m[1]!.trim() : '';
              },
            });
            callback();
          },
          (err: Error) => callback(err),
        );
      });
    },
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.server.address() as AddressInfo).port;
  return {
    port,
    url: `smtp://127.0.0.1:${port}`,
    received,
    failNext(code, text, times = 1) {
      for (let i = 0; i < times; i++) failures.push({ code, text });
    },
    async waitFor(n, timeoutMs = 15_000) {
      const until = Date.now() + timeoutMs;
      while (received.length < n) {
        if (Date.now() > until) throw new Error(`expected ${n} mails, the sink has ${received.length}`);
        await new Promise((r) => setTimeout(r, 50));
      }
      return received;
    },
    async waitForMail(matches, timeoutMs = 15_000) {
      const until = Date.now() + timeoutMs;
      for (;;) {
        const found = received.find(matches);
        if (found) return found;
        if (Date.now() > until) throw new Error(`no matching mail among the sink's ${received.length}`);
        await new Promise((r) => setTimeout(r, 50));
      }
    },
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}
