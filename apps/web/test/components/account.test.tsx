// @vitest-environment happy-dom
import { cleanup, render, screen, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { Secret, TOTP } from 'otpauth';
import { afterEach, describe, expect, it } from 'vitest';
import { ApiError } from '../../src/api/client.js';
import { normaliseCode, recoveryCodesText, totpAnswer } from '../../src/routes/account/codes.js';
import { describeDevice } from '../../src/routes/account/device.js';
import { apiTotpActions, TotpSection, type TotpActions } from '../../src/routes/account/TotpSection.js';

afterEach(cleanup);

describe('codes typed at sign-in and enrolment', () => {
  it('accepts six digits with spaces and refuses anything else as an app code', () => {
    expect(normaliseCode(' 123 456 ')).toBe('123456');
    expect(['12345', '1234567', '12ab56', '', 'abcde-fghij-klmno'].map(normaliseCode)).toEqual([null, null, null, null, null]);
  });

  it('sends six digits as a code and anything else as a recovery code', () => {
    expect(totpAnswer('123 456')).toEqual({ code: '123456' });
    expect(totpAnswer(' abcde-fghij-klmno ')).toEqual({ recoveryCode: 'abcde-fghij-klmno' });
    expect(totpAnswer('abcdefghijklmno')).toEqual({ recoveryCode: 'abcdefghijklmno' });
  });

  it('writes one recovery code a line in the downloaded file', () => {
    const text = recoveryCodesText(['aaaaa-bbbbb-ccccc', 'ddddd-eeeee-fffff'], 'admin');
    expect(text).toContain('for admin');
    expect(text.trimEnd().split('\n').slice(-2)).toEqual(['aaaaa-bbbbb-ccccc', 'ddddd-eeeee-fffff']);
  });
});

describe('session devices', () => {
  it('names the browser and the system of a user agent', () => {
    expect(describeDevice('Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) HeadlessChrome/131.0.0.0 Safari/537.36')).toBe('Chrome on Linux');
    expect(describeDevice('Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/120.0 Safari/537.36 Edg/120.0')).toBe('Edge on Windows');
    expect(describeDevice('Mozilla/5.0 (iPhone; CPU iPhone OS 17_0 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.0 Mobile/15E148 Safari/604.1')).toBe('Safari on iOS');
    expect(describeDevice('Mozilla/5.0 (Macintosh; Intel Mac OS X 14.0; rv:121.0) Gecko/20100101 Firefox/121.0')).toBe('Firefox on macOS');
    expect(describeDevice('curl/8.5.0')).toBe('curl');
    expect(describeDevice(null)).toBe('Unknown device');
  });
});

/** The server's side of enrolment in memory: a real secret and real TOTP checks, its error shapes. */
function enrolmentServer(password = 'the right password') {
  const secret = new Secret({ size: 20 });
  const totp = new TOTP({ secret, digits: 6, period: 30, algorithm: 'SHA1' });
  const calls: string[] = [];
  const actions: TotpActions = {
    setup: async () => {
      calls.push('setup');
      return { secret: secret.base32, uri: totp.toString() };
    },
    enable: async (code) => {
      calls.push(`enable ${code}`);
      if (totp.validate({ token: code, window: 1 }) === null) throw new ApiError(400, 'VALIDATION', 'code: wrong code', [{ field: 'code', message: 'wrong code' }]);
      return { recoveryCodes: Array.from({ length: 10 }, (_, i) => `code${i}-aaaaa-bbbbb`) };
    },
    disable: async (given) => {
      calls.push('disable');
      if (given !== password) throw new ApiError(400, 'VALIDATION', 'password: wrong password', [{ field: 'password', message: 'wrong password' }]);
    },
    qrCode: apiTotpActions.qrCode,
  };
  return { actions, calls, totp };
}

describe('two-factor enrolment', () => {
  it('goes from a QR code and a checked code to recovery codes shown only once', async () => {
    const user = userEvent.setup();
    const server = enrolmentServer();
    render(<TotpSection enabled={false} account="admin" actions={server.actions} />);
    await user.click(screen.getByRole('button', { name: 'Set up two-factor sign-in' }));

    // Drawing the QR code is CPU work: a loaded 2-core machine took more than findBy's default second.
    const qr = await screen.findByRole('img', { name: 'QR code of the two-factor secret' }, { timeout: 10_000 });
    expect(qr.getAttribute('src')).toMatch(/^data:image\/png;base64,.{200}/);
    expect(screen.getByLabelText('Secret').textContent).toBe(server.totp.secret.base32);

    // A malformed code never reaches the server; a wrong one comes back next to the field.
    const input = screen.getByLabelText('Code from the app');
    await user.type(input, '12ab');
    await user.click(screen.getByRole('button', { name: 'Turn on' }));
    expect(await screen.findByText('enter the 6 digits your app shows')).toBeTruthy();
    expect(input.getAttribute('aria-invalid')).toBe('true');
    expect(server.calls).toEqual(['setup']);
    const wrong = String((Number(server.totp.generate()) + 500_000) % 1_000_000).padStart(6, '0');
    await user.clear(input);
    await user.type(input, wrong);
    await user.click(screen.getByRole('button', { name: 'Turn on' }));
    expect(await screen.findByText('wrong code')).toBeTruthy();

    const good = server.totp.generate();
    await user.clear(input);
    await user.type(input, `${good.slice(0, 3)} ${good.slice(3)}`);
    await user.click(screen.getByRole('button', { name: 'Turn on' }));
    const list = await screen.findByRole('list', { name: 'Recovery codes' });
    expect(server.calls.at(-1)).toBe(`enable ${good}`);
    expect(within(list).getAllByRole('listitem')).toHaveLength(10);
    expect(screen.getByRole('alert').textContent).toContain('shown only this once');
    const download = screen.getByRole('link', { name: 'Download as a text file' });
    expect(download.getAttribute('download')).toBe('panoptes-recovery-codes.txt');
    expect(download.getAttribute('href')).toMatch(/^blob:/);

    await user.click(screen.getByRole('button', { name: 'I have saved them' }));
    expect(screen.queryByRole('list', { name: 'Recovery codes' })).toBeNull();
    expect(screen.queryByText('code0-aaaaa-bbbbb')).toBeNull();
    expect(screen.getByText(/^On: signing in asks for a code/)).toBeTruthy();
    expect(screen.queryByRole('button', { name: /recovery|Show/ })).toBeNull();
  });

  it('goes back to off when enrolment is cancelled', async () => {
    const user = userEvent.setup();
    const server = enrolmentServer();
    render(<TotpSection enabled={false} account="admin" actions={server.actions} />);
    await user.click(screen.getByRole('button', { name: 'Set up two-factor sign-in' }));
    await screen.findByRole('img', { name: 'QR code of the two-factor secret' }, { timeout: 10_000 });
    await user.click(screen.getByRole('button', { name: 'Cancel' }));
    expect(screen.getByRole('button', { name: 'Set up two-factor sign-in' })).toBeTruthy();
    expect(screen.queryByLabelText('Secret')).toBeNull();
  });

  it('shows why setup failed and stays off', async () => {
    const user = userEvent.setup();
    const actions: TotpActions = { ...enrolmentServer().actions, setup: () => Promise.reject(new ApiError(409, 'CONFLICT', 'two-factor sign-in is already on')) };
    render(<TotpSection enabled={false} account="admin" actions={actions} />);
    await user.click(screen.getByRole('button', { name: 'Set up two-factor sign-in' }));
    expect((await screen.findByRole('alert')).textContent).toBe('two-factor sign-in is already on');
    expect(screen.queryByRole('img')).toBeNull();
  });

  it('turns off only with the password and after the confirmation', async () => {
    const user = userEvent.setup();
    const server = enrolmentServer();
    render(<TotpSection enabled account="admin" actions={server.actions} />);
    const turnOff = () => user.click(within(screen.getByRole('dialog', { name: 'Turn off two-factor sign-in?' })).getByRole('button', { name: 'Turn off' }));

    await user.click(screen.getByRole('button', { name: 'Turn off two-factor sign-in' }));
    expect(server.calls).toEqual([]);
    await turnOff();
    expect(await screen.findByText('enter your password')).toBeTruthy();
    expect(server.calls).toEqual([]);

    await user.type(screen.getByLabelText(/Password to turn it off/), 'a guess');
    await user.click(screen.getByRole('button', { name: 'Turn off two-factor sign-in' }));
    await turnOff();
    expect(await screen.findByText('wrong password')).toBeTruthy();
    expect(screen.getByLabelText(/Password to turn it off/).getAttribute('aria-invalid')).toBe('true');

    await user.clear(screen.getByLabelText(/Password to turn it off/));
    await user.type(screen.getByLabelText(/Password to turn it off/), 'the right password');
    await user.click(screen.getByRole('button', { name: 'Turn off two-factor sign-in' }));
    await turnOff();
    expect(await screen.findByRole('button', { name: 'Set up two-factor sign-in' })).toBeTruthy();
    expect(server.calls).toEqual(['disable', 'disable']);
  });
});
