// @vitest-environment happy-dom
import { cleanup, render, screen } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { ApiError } from '../../src/api/client.js';
import { ResourceForm } from '../../src/components/ResourceForm.js';
import { move, toBody, type FieldSpec } from '../../src/components/resource-form.js';
import { channelBody, UNCHANGED_SECRET, type Channel } from '../../src/routes/notifications/channel-form.js';
import { ChannelForm } from '../../src/routes/notifications/ChannelForm.js';
import { vapidKeyBytes } from '../../src/routes/notifications/push.js';
import { normaliseCode } from '../../src/routes/account/TotpSection.js';
import { parseSetting } from '../../src/routes/settings/SettingsForm.js';

afterEach(cleanup);

const FIELDS: readonly FieldSpec[] = [
  { name: 'domain', label: 'Domain', kind: 'text', required: true },
  { name: 'port', label: 'Port', kind: 'number' },
  { name: 'targetGroupId', label: 'Group', kind: 'select', numeric: true, options: [{ value: '7', label: 'web' }] },
  { name: 'tlsEmail', label: 'E-mail', kind: 'text', nullable: true },
  { name: 'matchers', label: 'Matchers', kind: 'json' },
  { name: 'enabled', label: 'Enabled', kind: 'checkbox', initial: true },
];

describe('declared forms', () => {
  it('types the values the api expects and leaves empty optional fields out', () => {
    expect(toBody(FIELDS, { domain: ' app.example.com ', port: '8080', targetGroupId: '7', tlsEmail: '', matchers: '[{"type":"path"}]' }, new Set(['enabled']))).toEqual({ domain: 'app.example.com', port: 8080, targetGroupId: 7, tlsEmail: null, matchers: [{ type: 'path' }], enabled: true });
    expect(toBody(FIELDS, { domain: 'a', port: '' }, new Set())).toEqual({ domain: 'a', tlsEmail: null, enabled: false });
    expect(() => toBody(FIELDS, { port: 'eighty' }, new Set())).toThrow('must be a number');
    expect(() => toBody(FIELDS, { matchers: '[oops' }, new Set())).toThrow('must be valid JSON');
  });

  it('moves an item one place and refuses to move past either end', () => {
    expect(move(['a', 'b', 'c'], 2, -1)).toEqual(['a', 'c', 'b']);
    const items = ['a', 'b'];
    expect(move(items, 0, -1)).toBe(items);
    expect(move(items, 1, 1)).toBe(items);
  });

  it("shows a browser-side problem and the api's message next to their fields", async () => {
    const submit = vi.fn<(body: Record<string, unknown>) => Promise<void>>().mockRejectedValueOnce(new ApiError(400, 'VALIDATION', 'domain: a host name', [{ field: 'domain', message: 'a host name' }])).mockResolvedValueOnce();
    render(<ResourceForm fields={FIELDS} row={null} submitLabel="Add host" onSubmit={submit} />);
    expect((screen.getByLabelText('Enabled') as HTMLInputElement).checked).toBe(true);
    await userEvent.type(screen.getByLabelText(/^Port/), 'x');
    await userEvent.click(screen.getByRole('button', { name: 'Add host' }));
    expect(await screen.findByText('must be a number')).toBeTruthy();
    expect(submit).not.toHaveBeenCalled();
    await userEvent.clear(screen.getByLabelText(/^Port/));
    await userEvent.type(screen.getByLabelText(/^Domain/), 'bad domain');
    await userEvent.click(screen.getByRole('button', { name: 'Add host' }));
    expect(await screen.findByText('a host name')).toBeTruthy();
    expect(screen.getByLabelText(/^Domain/).getAttribute('aria-invalid')).toBe('true');
    await userEvent.click(screen.getByRole('button', { name: 'Add host' }));
    expect(submit).toHaveBeenCalledTimes(2);
    expect(screen.queryByText('a host name')).toBeNull();
  });
});

describe('channel forms', () => {
  const stored: Channel = { id: 3, name: 'ops', type: 'webhook', enabled: true, config: { url: 'https://hooks.example.com/x', signingSecret: UNCHANGED_SECRET, headers: {} }, rateLimitPerMinute: null };

  it('keeps a stored secret when its field is left blank, and omits an unset one', () => {
    const body = channelBody('webhook', { name: 'ops', 'config.url': 'https://hooks.example.com/x', 'config.signingSecret': '', 'config.authorization': '' }, true, stored);
    expect(body.config).toEqual({ url: 'https://hooks.example.com/x', signingSecret: UNCHANGED_SECRET });
    expect(channelBody('webhook', { name: 'ops', 'config.url': 'https://h.example', 'config.signingSecret': 'whsec_new' }, true, stored).config).toMatchObject({ signingSecret: 'whsec_new' });
    expect(channelBody('webhook', { name: 'new', 'config.url': 'https://h.example' }, true, null).config).toEqual({ url: 'https://h.example' });
  });

  it('types e-mail settings: port as a number, recipients as a list', () => {
    expect(channelBody('email', { name: 'm', 'config.host': 'smtp.example.com', 'config.port': '587', 'config.from': 'p@example.com', 'config.to': 'a@example.com, b@example.com,' }, false, null)).toEqual({
      name: 'm',
      type: 'email',
      enabled: false,
      config: { host: 'smtp.example.com', port: 587, from: 'p@example.com', to: ['a@example.com', 'b@example.com'] },
      rateLimitPerMinute: null,
    });
    expect(() => channelBody('email', { 'config.port': 'smtp' }, true, null)).toThrow('must be a number');
  });

  it('shows the fields of the chosen type and never the stored secret', async () => {
    const save = vi.fn<(body: Record<string, unknown>) => Promise<void>>().mockResolvedValue();
    render(<ChannelForm channel={stored} onSubmit={save} onCancel={() => {}} />);
    const secret = screen.getByLabelText(/^Signing secret/) as HTMLInputElement;
    expect(secret.value).toBe('');
    expect(secret.placeholder).toContain('stored');
    expect((screen.getByLabelText(/^URL/) as HTMLInputElement).value).toBe('https://hooks.example.com/x');
    await userEvent.click(screen.getByRole('button', { name: 'Save channel' }));
    expect(save.mock.calls[0]![0]).toMatchObject({ config: { signingSecret: UNCHANGED_SECRET } });
    cleanup();
    render(<ChannelForm channel={null} onSubmit={save} onCancel={() => {}} />);
    await userEvent.selectOptions(screen.getByRole('combobox', { name: /^Type/ }), 'telegram');
    expect(screen.queryByLabelText(/^URL/)).toBeNull();
    expect(screen.getByLabelText(/^Bot token/)).toBeTruthy();
  });
});

describe('small parsers', () => {
  it('decodes a base64url VAPID key', () => {
    const key = Buffer.from(Array.from({ length: 65 }, (_, i) => (i * 37) % 256));
    expect([...vapidKeyBytes(key.toString('base64url'))]).toEqual([...key]);
  });
  it('accepts six digits with spaces as a TOTP code', () => {
    expect(normaliseCode(' 123 456 ')).toBe('123456');
    expect(normaliseCode('12345')).toBeNull();
    expect(normaliseCode('12a456')).toBeNull();
  });
  it("types a setting's form value like its default", () => {
    expect(parseSetting({ key: 'a', value: 1, default: 30, description: '' }, '45', false)).toBe(45);
    expect(parseSetting({ key: 'a', value: 1, default: 30, description: '' }, '', false)).toBeNaN();
    expect(parseSetting({ key: 'b', value: true, default: true, description: '' }, 'on', false)).toBe(false);
    expect(parseSetting({ key: 'c', value: 'x', default: '0 3 * * *', description: '' }, '30 2 * * *', false)).toBe('30 2 * * *');
  });
});
