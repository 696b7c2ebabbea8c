import { useEffect, useMemo, useState, type FormEvent } from 'react';
import { api, ApiError, errorMessage } from '../../api/client.js';
import { ConfirmButton, Field, FormError, formValues, useSubmit } from '../../components/kit.js';
import { normaliseCode, recoveryCodesText } from './codes.js';

// Kept here as well: earlier tests import it from this module.
export { normaliseCode } from './codes.js';

/** The three api calls behind the section (tests pass their own; the page uses the api). */
export interface TotpActions {
  readonly setup: () => Promise<{ secret: string; uri: string }>;
  readonly enable: (code: string) => Promise<{ recoveryCodes: string[] }>;
  readonly disable: (password: string) => Promise<void>;
  /** The otpauth URI as an image data URL. */
  readonly qrCode: (uri: string) => Promise<string>;
}

export const apiTotpActions: TotpActions = {
  setup: () => api('POST', '/api/account/totp/setup'),
  enable: (code) => api('POST', '/api/account/totp/enable', { code }),
  disable: (password) => api('POST', '/api/account/totp/disable', { password }),
  // Loaded on demand: the QR encoder stays out of the initial bundle.
  qrCode: async (uri) => (await import('qrcode')).toDataURL(uri, { margin: 1, width: 220, errorCorrectionLevel: 'M' }),
};

type Step = { step: 'off' } | { step: 'scan'; secret: string; qr: string } | { step: 'codes'; codes: readonly string[] } | { step: 'on' };

const BAD_CODE = 'enter the 6 digits your app shows';

/** Two-factor sign-in: enrol with a QR code and a confirming code, see the recovery codes once, turn it off with the password. */
export function TotpSection({ enabled, account, actions = apiTotpActions }: { enabled: boolean; account: string; actions?: TotpActions }) {
  const [state, setState] = useState<Step>(enabled ? { step: 'on' } : { step: 'off' });
  const start = useSubmit(async () => {
    const { secret, uri } = await actions.setup();
    setState({ step: 'scan', secret, qr: await actions.qrCode(uri) });
  });
  const confirm = useSubmit(async (input: string) => {
    const code = normaliseCode(input);
    if (code === null) throw new ApiError(400, 'VALIDATION', `code: ${BAD_CODE}`, [{ field: 'code', message: BAD_CODE }]);
    const { recoveryCodes } = await actions.enable(code);
    setState({ step: 'codes', codes: recoveryCodes });
  });

  return (
    <section aria-label="Two-factor sign-in" className="card">
      <h2>Two-factor sign-in</h2>
      {state.step === 'off' && (
        <>
          <p>Off: signing in asks only for the password.</p>
          <FormError message={start.formError} />
          <button type="button" disabled={start.busy} onClick={() => void start.run()}>
            Set up two-factor sign-in
          </button>
        </>
      )}
      {state.step === 'scan' && (
        <form className="stack" aria-label="Confirm two-factor sign-in" onSubmit={(e: FormEvent<HTMLFormElement>) => void confirm.run(formValues(e).code ?? '')}>
          <p>Scan the QR code with an authenticator app (or type the secret into it), then enter the 6-digit code it shows.</p>
          <div className="totp-scan">
            <img src={state.qr} alt="QR code of the two-factor secret" width={220} height={220} />
            <p>
              Secret for manual entry:
              <code className="secret" aria-label="Secret">
                {state.secret}
              </code>
            </p>
          </div>
          <Field label="Code from the app" name="code" inputMode="numeric" autoComplete="one-time-code" maxLength={7} required error={confirm.fieldError('code')} />
          <FormError message={confirm.error?.fields.length ? null : confirm.formError} />
          <div className="actions">
            <button type="submit" disabled={confirm.busy}>
              Turn on
            </button>
            <button type="button" onClick={() => setState({ step: 'off' })}>
              Cancel
            </button>
          </div>
        </form>
      )}
      {state.step === 'codes' && <RecoveryCodes codes={state.codes} account={account} onDone={() => setState({ step: 'on' })} />}
      {state.step === 'on' && <DisableTotp disable={actions.disable} onDisabled={() => setState({ step: 'off' })} />}
    </section>
  );
}

/** The recovery codes, shown this once: the component forgets them when the user moves on. */
function RecoveryCodes({ codes, account, onDone }: { codes: readonly string[]; account: string; onDone: () => void }) {
  const [copied, setCopied] = useState<string | null>(null);
  const href = useMemo(() => URL.createObjectURL(new Blob([recoveryCodesText(codes, account)], { type: 'text/plain' })), [codes, account]);
  useEffect(() => () => URL.revokeObjectURL(href), [href]);
  const copy = async () => {
    try {
      await navigator.clipboard.writeText(codes.join('\n'));
      setCopied('Copied.');
    } catch {
      setCopied('The browser refused to copy: select the codes or download them.');
    }
  };
  return (
    <div className="stack">
      <p className="warning" role="alert">
        Two-factor sign-in is on. Save these recovery codes now: they are shown only this once. Each signs you in once when your authenticator app is not at hand.
      </p>
      <ol className="recovery-codes" aria-label="Recovery codes">
        {codes.map((c) => (
          <li key={c}>
            <code>{c}</code>
          </li>
        ))}
      </ol>
      <div className="actions">
        <button type="button" onClick={() => void copy()}>
          Copy
        </button>
        <a href={href} download="panoptes-recovery-codes.txt">
          Download as a text file
        </a>
        <button type="button" onClick={onDone}>
          I have saved them
        </button>
      </div>
      {copied && <p role="status">{copied}</p>}
    </div>
  );
}

/** Turning it off takes the password and a confirmation; a wrong password shows next to the field. */
function DisableTotp({ disable, onDisabled }: { disable: (password: string) => Promise<void>; onDisabled: () => void }) {
  const [error, setError] = useState<string | undefined>();
  const [password, setPassword] = useState('');
  return (
    <div className="stack">
      <p>On: signing in asks for a code from your app (or a recovery code).</p>
      <Field label="Password to turn it off" name="password" type="password" autoComplete="current-password" value={password} onChange={(e) => setPassword(e.currentTarget.value)} error={error} />
      <div className="actions">
        <ConfirmButton
          label="Turn off two-factor sign-in"
          title="Turn off two-factor sign-in?"
          message="Signing in will ask only for the password, and your recovery codes stop working."
          confirmLabel="Turn off"
          className="danger"
          onConfirm={async () => {
            setError(undefined);
            if (password === '') {
              setError('enter your password');
              return;
            }
            try {
              await disable(password);
              onDisabled();
            } catch (e) {
              setError(e instanceof ApiError && e.fields[0] ? e.fields[0].message : errorMessage(e));
            }
          }}
        />
      </div>
    </div>
  );
}
