// @vitest-environment happy-dom
import { cleanup, render, screen } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { ApiError } from '../../src/api/client.js';
import { channelBody, UNCHANGED_SECRET, type Channel } from '../../src/routes/notifications/channel-form.js';
import { ChannelForm } from '../../src/routes/notifications/ChannelForm.js';
import { previewText } from '../../src/routes/notifications/ChannelPreview.js';
import { eventPatterns } from '../../src/routes/notifications/events.js';

afterEach(cleanup);

const save = () => vi.fn<(body: Record<string, unknown>) => Promise<void>>().mockResolvedValue();
const input = (label: RegExp) => screen.getByLabelText(label) as HTMLInputElement;
/** The validation message shown next to a field (linked to it by aria-describedby). */
const messageOf = (label: RegExp) => {
  const ids = input(label).getAttribute('aria-describedby') ?? '';
  return ids
    .split(' ')
    .map((id) => document.getElementById(id))
    .find((el) => el?.classList.contains('field-error'))?.textContent;
};

const FIELDS_OF = {
  webhook: [/^URL/, /^Format/, /^Method/, /^Signing secret/, /^Authorization header/, /^Extra headers/, /^Timeout/],
  email: [/^SMTP server/, /^SMTP port/, /^Encryption/, /^SMTP user/, /^SMTP password/, /^From/, /^To/],
  telegram: [/^Bot token/, /^Chat id/],
  browser_push: [/^Time to live/],
} as const;

describe('the channel form', () => {
  it('shows the fields of the chosen type only, secrets as password inputs', async () => {
    render(<ChannelForm channel={null} onSubmit={save()} onCancel={() => {}} />);
    for (const [type, fields] of Object.entries(FIELDS_OF)) {
      await userEvent.selectOptions(screen.getByRole('combobox', { name: /^Type/ }), type);
      for (const field of fields) expect(screen.getByLabelText(field), `${type} ${String(field)}`).toBeTruthy();
      const others = Object.entries(FIELDS_OF).filter(([t]) => t !== type).flatMap(([, f]) => f);
      for (const field of others) expect(screen.queryByLabelText(field), `${type} hides ${String(field)}`).toBeNull();
    }
    await userEvent.selectOptions(screen.getByRole('combobox', { name: /^Type/ }), 'telegram');
    expect(input(/^Bot token/).type).toBe('password');
    expect(input(/^Chat id/).type).toBe('text');
  });

  it('sends e-mail settings typed: the port as a number, recipients as a list, blanks left out', async () => {
    const submit = save();
    render(<ChannelForm channel={null} onSubmit={submit} onCancel={() => {}} />);
    await userEvent.type(input(/^Name/), 'on-call mail');
    await userEvent.selectOptions(screen.getByRole('combobox', { name: /^Type/ }), 'email');
    await userEvent.type(input(/^SMTP server/), 'smtp.example.com');
    await userEvent.type(input(/^SMTP port/), '587');
    await userEvent.type(input(/^From/), 'panoptes@example.com');
    await userEvent.type(input(/^To/), 'a@example.com, b@example.com,');
    await userEvent.click(screen.getByRole('button', { name: 'Save channel' }));
    expect(submit).toHaveBeenCalledWith({
      name: 'on-call mail',
      type: 'email',
      enabled: true,
      config: { host: 'smtp.example.com', port: 587, from: 'panoptes@example.com', to: ['a@example.com', 'b@example.com'] },
      rateLimitPerMinute: null,
    });
  });

  const stored: Channel = { id: 4, name: 'mail', type: 'email', enabled: true, rateLimitPerMinute: 30, config: { host: 'smtp.example.com', port: 465, tls: 'tls', user: 'ops', password: UNCHANGED_SECRET, from: 'p@example.com', to: ['a@example.com'], timeoutMs: 15000 } };

  it('leaves a stored secret blank on edit, keeps it when left blank, and replaces or removes it on request', async () => {
    const submit = save();
    render(<ChannelForm channel={stored} onSubmit={submit} onCancel={() => {}} />);
    expect(screen.getByRole('combobox', { name: /^Type/ })).toHaveProperty('disabled', true);
    expect(input(/^SMTP password/).value).toBe('');
    expect(input(/^SMTP password/).placeholder).toContain('leave blank to keep');
    expect(input(/^SMTP user/).value).toBe('ops');
    expect(input(/^To/).value).toBe('a@example.com');
    expect(document.body.innerHTML).not.toContain(UNCHANGED_SECRET);
    await userEvent.click(screen.getByRole('button', { name: 'Save channel' }));
    expect(submit.mock.calls[0]![0]).toMatchObject({ rateLimitPerMinute: 30, config: { password: UNCHANGED_SECRET, port: 465, user: 'ops' } });

    await userEvent.type(input(/^SMTP password/), 'new password');
    await userEvent.click(screen.getByRole('button', { name: 'Save channel' }));
    expect(submit.mock.calls[1]![0]).toMatchObject({ config: { password: 'new password' } });

    await userEvent.clear(input(/^SMTP password/));
    await userEvent.click(screen.getByRole('checkbox', { name: /^Remove the stored smtp password/ }));
    await userEvent.click(screen.getByRole('button', { name: 'Save channel' }));
    expect(submit.mock.calls[2]![0]).not.toHaveProperty('config.password');
  });

  it('offers no remove box for a secret that was never stored', () => {
    render(<ChannelForm channel={{ ...stored, config: { ...stored.config, password: undefined } }} onSubmit={save()} onCancel={() => {}} />);
    expect(input(/^SMTP password/).placeholder).toBe('not set');
    expect(screen.queryByRole('checkbox', { name: /^Remove the stored/ })).toBeNull();
    expect(channelBody('email', { 'config.host': 'h', 'config.password': '' }, true, { ...stored, config: {} }).config).toEqual({ host: 'h' });
  });

  it('refuses bad JSON and numbers before sending, next to their fields', async () => {
    const submit = save();
    render(<ChannelForm channel={null} onSubmit={submit} onCancel={() => {}} />);
    await userEvent.type(input(/^URL/), 'https://hooks.example.com/x');
    await userEvent.type(input(/^Extra headers/), '{{"X-Team": ops');
    await userEvent.click(screen.getByRole('button', { name: 'Save channel' }));
    expect(messageOf(/^Extra headers/)).toBe('must be valid JSON');
    expect(input(/^Extra headers/).getAttribute('aria-invalid')).toBe('true');
    expect(submit).not.toHaveBeenCalled();
    await userEvent.clear(input(/^Extra headers/));
    await userEvent.type(input(/^Timeout/), 'soon');
    await userEvent.click(screen.getByRole('button', { name: 'Save channel' }));
    expect(messageOf(/^Timeout/)).toBe('must be a number');
    expect(messageOf(/^Extra headers/)).toBeUndefined();
    expect(submit).not.toHaveBeenCalled();
  });

  it("shows the api's messages next to the fields they name", async () => {
    const submit = vi.fn<(body: Record<string, unknown>) => Promise<void>>().mockRejectedValue(
      new ApiError(400, 'INVALID_CHANNEL_CONFIG', 'invalid webhook channel', [
        { field: 'config.url', message: 'must be an http(s) URL' },
        { field: 'config.signingSecret', message: 'must be whsec_ followed by base64 of at least 16 bytes' },
        { field: 'name', message: 'Too small' },
      ]),
    );
    render(<ChannelForm channel={null} onSubmit={submit} onCancel={() => {}} />);
    await userEvent.type(input(/^URL/), 'ftp://x');
    await userEvent.type(input(/^Signing secret/), 'swordfish');
    await userEvent.click(screen.getByRole('button', { name: 'Save channel' }));
    expect(messageOf(/^URL/)).toBe('must be an http(s) URL');
    expect(messageOf(/^Signing secret/)).toContain('must be whsec_');
    expect(messageOf(/^Name/)).toBe('Too small');
    expect(screen.getByRole('alert').textContent).toBe('Some fields need attention.');
  });
});

describe('rule event patterns and previews', () => {
  const catalog = [
    { type: 'waf.blocked', description: 'The WAF blocked a request' },
    { type: 'auth.login_failed', description: 'A failed login' },
    { type: 'auth.lockout', description: 'Logins locked' },
    { type: 'backup.completed', description: 'A backup was taken' },
    { type: 'backup.failed', description: 'A backup failed' },
  ];

  it('offers every event, each family of more than one type, then each type', () => {
    expect(eventPatterns(catalog).map((p) => p.value)).toEqual(['*', 'auth.*', 'backup.*', 'waf.blocked', 'auth.login_failed', 'auth.lockout', 'backup.completed', 'backup.failed']);
    expect(eventPatterns([]).map((p) => p.value)).toEqual(['*']);
  });

  it('shows each rendered message as text: JSON indented, the subject above an e-mail, markup untouched', () => {
    expect(previewText({ type: 'webhook', body: '{"type":"waf.blocked"}' })).toBe('{\n  "type": "waf.blocked"\n}');
    expect(previewText({ type: 'webhook', body: 'not json {{' })).toBe('not json {{');
    expect(previewText({ type: 'email', subject: '[Panoptes] critical', text: 'body', html: '<pre>body</pre>' })).toBe('Subject: [Panoptes] critical\n\nbody');
    expect(previewText({ type: 'telegram', text: '<b>critical</b> &lt;script&gt;' })).toBe('<b>critical</b> &lt;script&gt;');
  });
});
