import { useRef, useState, type FormEvent } from 'react';
import { api, ApiError } from '../../api/client.js';
import { ConfirmButton, Field, FormError, formValues, useSubmit } from '../../components/kit.js';

/** A six-digit TOTP code, spaces allowed ("123 456"); null when it is not one. */
export function normaliseCode(input: string): string | null {
  const code = input.replace(/\s+/g, '');
  return /^\d{6}$/.test(code) ? code : null;
}

type Step = { step: 'off' } | { step: 'scan'; secret: string; qr: string } | { step: 'codes'; codes: readonly string[] } | { step: 'on' };

/** Two-factor sign-in: enrol with a QR code and a confirming code, see the recovery codes once, turn it off with the password. */
export function TotpSection({ enabled }: { enabled: boolean }) {
  const [state, setState] = useState<Step>(enabled ? { step: 'on' } : { step: 'off' });
  const start = useSubmit(async () => {
    const { secret, uri } = await api<{ secret: string; uri: string }>('POST', '/api/account/totp/setup');
    const { toDataURL } = await import('qrcode');
    setState({ step: 'scan', secret, qr: await toDataURL(uri, { margin: 1, width: 220 }) });
  });
  const confirm = useSubmit(async (input: string) => {
    const code = normaliseCode(input);
    if (code === null) throw new ApiError(400, 'VALIDATION', 'code: enter the 6 digits your app shows', [{ field: 'code', message: 'enter the 6 digits your app shows' }]);
    const { recoveryCodes } = await api<{ recoveryCodes: string[] }>('POST', '/api/account/totp/enable', { code });
    setState({ step: 'codes', codes: recoveryCodes });
  });
  const [disableError, setDisableError] = useState<string | undefined>();
  const password = useRef<HTMLInputElement>(null);
  const download = (codes: readonly string[]) => URL.createObjectURL(new Blob([`Panoptes recovery codes (each works once)\n\n${codes.join('\n')}\n`], { type: 'text/plain' }));

  return (
    <section aria-label="Two-factor sign-in" className="card">
      <h2>Two-factor sign-in</h2>
      {state.step === 'off' && (
        <>
          <p>Off. Sign-in asks only for the password.</p>
          <FormError message={start.formError} />
          <button type="button" disabled={start.busy} onClick={() => void start.run()}>
            Set up two-factor sign-in
          </button>
        </>
      )}
      {state.step === 'scan' && (
        <form className="stack" onSubmit={(e: FormEvent<HTMLFormElement>) => void confirm.run(formValues(e).code ?? '')}>
          <p>Scan the code with an authenticator app, or type the secret into it, then enter the code it shows.</p>
          <img src={state.qr} alt="QR code of the two-factor secret" width={220} height={220} />
          <p>
            Secret: <code className="secret" aria-label="Secret">{state.secret}</code>
          </p>
          <Field label="Code from the app" name="code" inputMode="numeric" autoComplete="one-time-code" error={confirm.fieldError('code')} />
          <FormError message={confirm.error?.fields.length ? null : confirm.formError} />
          <div className="actions">
            <button type="submit" disabled={confirm.busy}>
              Turn on
            </button>
          </div>
        </form>
      )}
      {state.step === 'codes' && (
        <div className="stack">
          <p className="warning" role="alert">
            Two-factor sign-in is on. Keep these recovery codes somewhere safe: each signs you in once without the app, and they are shown only now.
          </p>
          <ul className="recovery-codes" aria-label="Recovery codes">
            {state.codes.map((c) => (
              <li key={c}>
                <code>{c}</code>
              </li>
            ))}
          </ul>
          <div className="actions">
            <button type="button" onClick={() => void navigator.clipboard?.writeText(state.codes.join('\n'))}>
              Copy
            </button>
            <a href={download(state.codes)} download="panoptes-recovery-codes.txt">
              Download
            </a>
            <button type="button" onClick={() => setState({ step: 'on' })}>
              I have saved them
            </button>
          </div>
        </div>
      )}
      {state.step === 'on' && (
        <>
          <p>On. Sign-in asks for a code from your app (or a recovery code).</p>
          <Field label="Password to turn it off" type="password" autoComplete="current-password" error={disableError}>
            <input ref={password} type="password" autoComplete="current-password" aria-invalid={disableError ? true : undefined} />
          </Field>
          <ConfirmButton
            label="Turn off two-factor sign-in"
            title="Turn off two-factor sign-in?"
            message="Sign-in will ask only for the password, and the recovery codes stop working."
            confirmLabel="Turn off"
            onConfirm={async () => {
              setDisableError(undefined);
              try {
                await api('POST', '/api/account/totp/disable', { password: password.current?.value ?? '' });
                setState({ step: 'off' });
              } catch (e) {
                setDisableError(e instanceof ApiError && e.fields[0] ? e.fields[0].message : e instanceof Error ? e.message : String(e));
                throw e;
              }
            }}
          />
        </>
      )}
    </section>
  );
}
