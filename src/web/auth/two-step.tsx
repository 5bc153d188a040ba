// Two-step sign-in in the web UI: the staff account page's section (set up with a QR code or
// the secret typed in, recovery codes shown once, turned off, new codes), and the sign-in page's
// second step (a code, or a recovery code) and the setup the company may require before a
// session. The QR code is the server's SVG shown as an image (never markup put in the page).
import { useEffect, useState, type FormEvent } from 'react';
import type { TwoStepSetup, TwoStepStatus } from '../../shared/schemas/users.js';
import { api, toApiError } from '../lib/api.js';
import { copyText } from '../lib/clipboard.js';
import { saveBlob } from '../lib/download.js';
import { FormError } from '../layout/page-parts.js';
import { useAuth, type PendingSignIn } from './auth-context.js';
import { TextField } from '../admin/form-parts.js';

const CODE_MESSAGES: Record<string, string> = {
  invalid_code: 'That code is wrong or too old. Enter the code the app shows now.',
  code_used: 'That code was used already. Wait for the app to show the next one.',
  invalid_challenge: 'This sign-in has expired or was used. Sign in again.',
  too_many_requests: 'Too many codes tried. Wait a few minutes and try again.',
  wrong_password: 'The password is wrong.',
  two_step_unreadable:
    "This server cannot read your authenticator app's secret (it was stored with another key). Use a recovery code, or ask an admin to turn your two-step sign-in off.",
};
const messageOf = (err: unknown) => {
  const e = toApiError(err);
  return CODE_MESSAGES[e.code] ?? e.message;
};

/** A field for the 6-digit code of an authenticator app. */
function CodeField(props: { id: string; value: string; onChange: (v: string) => void; label?: string }) {
  return (
    <div className="field">
      <label htmlFor={props.id}>{props.label ?? 'Code from your authenticator app'}</label>
      <input
        id={props.id}
        inputMode="numeric"
        autoComplete="one-time-code"
        pattern="[0-9 ]*"
        maxLength={7}
        value={props.value}
        onChange={(e) => props.onChange(e.target.value)}
      />
    </div>
  );
}

/** Recovery codes, shown once: to copy or download, then acknowledged. */
export function RecoveryCodesShown(props: { codes: string[]; doneLabel: string; onDone: () => void }) {
  const [copied, setCopied] = useState<string | null>(null);
  const text = `${props.codes.join('\n')}\n`;
  return (
    <div className="card credentials" data-testid="recovery-codes">
      <p className="notice notice--warning" role="status">
        Your recovery codes: each signs you in once when your phone is not at hand. Keep them somewhere safe.
        They are not shown again.
      </p>
      <ol className="recovery-codes" aria-label="Recovery codes">
        {props.codes.map((c) => (
          <li key={c}>
            <code>{c}</code>
          </li>
        ))}
      </ol>
      <div className="form__actions">
        <button
          type="button"
          className="button"
          onClick={async () => setCopied((await copyText(text)) ? 'Copied.' : 'The browser would not copy.')}
        >
          Copy codes
        </button>
        <button
          type="button"
          className="button"
          onClick={() => saveBlob(new Blob([text], { type: 'text/plain' }), 'recovery-codes.txt')}
        >
          Download codes
        </button>
        <button type="button" className="button button--primary" onClick={props.onDone}>
          {props.doneLabel}
        </button>
      </div>
      {copied && (
        <p className="muted" role="status">
          {copied}
        </p>
      )}
    </div>
  );
}

/** The QR code and the secret of a setup, and the code that confirms it. */
function SetupPanel(props: {
  setup: TwoStepSetup;
  idPrefix: string;
  onConfirm: (code: string) => Promise<void>;
  onCancel?: () => void;
}) {
  const [code, setCode] = useState('');
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const src = `data:image/svg+xml;charset=utf-8,${encodeURIComponent(props.setup.qrSvg)}`;
  async function submit(e: FormEvent) {
    e.preventDefault();
    setBusy(true);
    setError(null);
    try {
      await props.onConfirm(code.trim());
    } catch (err) {
      setError(messageOf(err));
      setBusy(false);
    }
  }
  return (
    <form onSubmit={submit} noValidate aria-label="Set up two-step sign-in" data-testid="two-step-setup">
      <ol className="two-step-steps">
        <li>
          Scan this QR code with an authenticator app (Google Authenticator, Microsoft Authenticator,
          1Password, …):
          <img className="two-step-qr" src={src} alt="QR code to scan with your authenticator app" />
        </li>
        <li>
          Or type this key into the app:{' '}
          <code className="two-step-secret" data-testid="two-step-secret">
            {props.setup.secret}
          </code>
        </li>
        <li>Enter the 6-digit code the app shows.</li>
      </ol>
      <FormError message={error} />
      <CodeField id={`${props.idPrefix}-setup-code`} value={code} onChange={setCode} />
      <div className="form__actions">
        <button type="submit" className="button button--primary" disabled={busy || !code.trim()}>
          {busy ? 'Checking…' : 'Turn on two-step sign-in'}
        </button>
        {props.onCancel && (
          <button type="button" className="button button--ghost" onClick={props.onCancel}>
            Cancel
          </button>
        )}
      </div>
    </form>
  );
}

/** The staff account page's section. */
export function TwoStepSection() {
  const [status, setStatus] = useState<TwoStepStatus | null>(null);
  const [setup, setSetup] = useState<TwoStepSetup | null>(null);
  const [codes, setCodes] = useState<string[] | null>(null);
  const [mode, setMode] = useState<'disable' | 'regenerate' | null>(null);
  const [proof, setProof] = useState('');
  const [error, setError] = useState<string | null>(null);
  const [done, setDone] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);

  const reload = () =>
    api.get<TwoStepStatus>('/auth/two-step').then(setStatus, (e) => setError(messageOf(e)));
  useEffect(() => {
    void reload();
  }, []);

  async function run(action: () => Promise<void>) {
    setBusy(true);
    setError(null);
    setDone(null);
    try {
      await action();
    } catch (err) {
      setError(messageOf(err));
    } finally {
      setBusy(false);
    }
  }

  const begin = () => run(async () => setSetup(await api.post<TwoStepSetup>('/auth/two-step/setup')));
  async function confirm(code: string) {
    const res = await api.post<{ recoveryCodes: string[] }>('/auth/two-step/confirm', { code });
    setSetup(null);
    setCodes(res.recoveryCodes);
    await reload();
  }
  async function submitProof(e: FormEvent) {
    e.preventDefault();
    await run(async () => {
      if (mode === 'disable') {
        const body = /^\d{3} ?\d{3}$/.test(proof.trim()) ? { code: proof.trim() } : { password: proof };
        await api.post('/auth/two-step/disable', body);
        setDone('Two-step sign-in is off: you sign in with your password alone.');
      } else {
        const res = await api.post<{ recoveryCodes: string[] }>('/auth/two-step/recovery-codes', {
          code: proof.trim(),
        });
        setCodes(res.recoveryCodes);
      }
      setMode(null);
      setProof('');
      await reload();
    });
  }

  return (
    <section className="card form two-step" aria-labelledby="two-step-title" data-testid="two-step-section">
      <h2 id="two-step-title">Two-step sign-in</h2>
      <p className="muted">
        After your password, Steward asks for a code from an authenticator app on your phone, so a password
        alone does not open your account.
      </p>
      {done && (
        <p className="notice notice--success" role="status">
          {done}
        </p>
      )}
      {!setup && !codes && <FormError message={error} />}
      {codes ? (
        <RecoveryCodesShown codes={codes} doneLabel="I have saved them" onDone={() => setCodes(null)} />
      ) : setup ? (
        <SetupPanel setup={setup} idPrefix="account" onConfirm={confirm} onCancel={() => setSetup(null)} />
      ) : !status ? (
        <p className="muted">Loading…</p>
      ) : status.enabled ? (
        <>
          <p data-testid="two-step-state">
            <span className="badge badge--success">On</span> since{' '}
            {new Date(status.enabledAt!).toLocaleDateString()} · {status.recoveryCodesLeft} of 10 recovery
            codes left
          </p>
          {mode ? (
            <form
              onSubmit={submitProof}
              noValidate
              aria-label={mode === 'disable' ? 'Turn off' : 'New recovery codes'}
            >
              {mode === 'disable' ? (
                <TextField
                  id="two-step-proof"
                  type="password"
                  label="Your password, or a code from the app"
                  autoComplete="current-password"
                  value={proof}
                  onChange={setProof}
                />
              ) : (
                <CodeField id="two-step-proof" value={proof} onChange={setProof} />
              )}
              <div className="form__actions">
                <button type="submit" className="button button--primary" disabled={busy || !proof}>
                  {mode === 'disable' ? 'Turn off two-step sign-in' : 'Make new recovery codes'}
                </button>
                <button type="button" className="button button--ghost" onClick={() => setMode(null)}>
                  Cancel
                </button>
              </div>
            </form>
          ) : (
            <div className="form__actions">
              <button type="button" className="button" onClick={() => setMode('regenerate')}>
                New recovery codes
              </button>
              {!status.required && (
                <button type="button" className="button button--danger" onClick={() => setMode('disable')}>
                  Turn off…
                </button>
              )}
            </div>
          )}
          {status.required && (
            <p className="muted">
              Your company requires two-step sign-in: an admin can reset it if you lose your phone.
            </p>
          )}
        </>
      ) : (
        <>
          <p data-testid="two-step-state">
            <span className="badge">Off</span>
            {status.required &&
              ' Your company requires it: you will be asked to set it up at your next sign-in.'}
          </p>
          <div className="form__actions">
            <button type="button" className="button button--primary" onClick={begin} disabled={busy}>
              Set up two-step sign-in
            </button>
          </div>
        </>
      )}
    </section>
  );
}

/** The second step: a code (or a recovery code) for the challenge; signs in. */
export function TwoStepSignIn({ pending, onRestart }: { pending: PendingSignIn; onRestart: () => void }) {
  const { adoptToken } = useAuth();
  const [recovery, setRecovery] = useState(false);
  const [value, setValue] = useState('');
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const [setup, setSetup] = useState<TwoStepSetup | null>(null);
  const [signedIn, setSignedIn] = useState<{ token: string; recoveryCodes: string[] } | null>(null);

  useEffect(() => {
    if (pending.kind !== 'two_step_setup') return;
    api
      .post<TwoStepSetup>('/auth/login/two-step/setup', { challenge: pending.challenge })
      .then(setSetup, (e) => setError(messageOf(e)));
  }, [pending]);

  async function submit(e: FormEvent) {
    e.preventDefault();
    setBusy(true);
    setError(null);
    try {
      const body = recovery
        ? { challenge: pending.challenge, recoveryCode: value.trim() }
        : { challenge: pending.challenge, code: value.trim() };
      const res = await api.post<{ token: string }>('/auth/login/two-step', body);
      await adoptToken(res.token);
    } catch (err) {
      setError(messageOf(err));
      setBusy(false);
    }
  }

  const restart = (
    <button type="button" className="button button--ghost button--block" onClick={onRestart}>
      Back to sign in
    </button>
  );
  if (pending.kind === 'two_step_setup') {
    return (
      <div data-testid="two-step-required-setup">
        <h2>Set up two-step sign-in</h2>
        <p className="muted">Your company requires a code from an authenticator app after the password.</p>
        {signedIn ? (
          <RecoveryCodesShown
            codes={signedIn.recoveryCodes}
            doneLabel="Continue"
            onDone={() => void adoptToken(signedIn.token)}
          />
        ) : setup ? (
          <SetupPanel
            setup={setup}
            idPrefix="login"
            onConfirm={async (code) => {
              const res = await api.post<{ token: string; recoveryCodes: string[] }>(
                '/auth/login/two-step/setup/confirm',
                { challenge: pending.challenge, code },
              );
              setSignedIn(res);
            }}
          />
        ) : (
          <FormError message={error} />
        )}
        {!signedIn && restart}
      </div>
    );
  }
  return (
    <form onSubmit={submit} noValidate aria-label="Two-step sign-in" data-testid="two-step-sign-in">
      <h2>Two-step sign-in</h2>
      <p className="muted">
        {recovery
          ? 'Enter one of the recovery codes you saved. Each works once.'
          : 'Enter the 6-digit code your authenticator app shows.'}
      </p>
      <FormError message={error} />
      {recovery ? (
        <div className="field">
          <label htmlFor="login-recovery-code">Recovery code</label>
          <input
            id="login-recovery-code"
            autoComplete="off"
            autoFocus
            value={value}
            onChange={(e) => setValue(e.target.value)}
          />
        </div>
      ) : (
        <CodeField id="login-code" value={value} onChange={setValue} label="Code" />
      )}
      <button type="submit" className="button button--primary button--block" disabled={busy || !value.trim()}>
        {busy ? 'Checking…' : 'Sign in'}
      </button>
      <div className="magic-link">
        <button
          type="button"
          className="button button--ghost button--block"
          onClick={() => {
            setRecovery(!recovery);
            setValue('');
            setError(null);
          }}
        >
          {recovery ? 'Use a code from the app' : 'Use a recovery code'}
        </button>
        {restart}
      </div>
    </form>
  );
}
