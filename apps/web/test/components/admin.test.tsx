// @vitest-environment happy-dom
import { cleanup, render, screen } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { ApiError } from '../../src/api/client.js';
import { chooseProject, describeAccess, parseList } from '../../src/components/project-lists.js';
import { OneTimeToken } from '../../src/routes/Tokens.js';
import { emailChange, UserEmail } from '../../src/routes/users/UserEmail.js';

afterEach(cleanup);

describe('project access lists', () => {
  it('reads allowed e-mails and domains from commas, spaces and lines, once each', () => {
    expect(parseList(' A@shop.example, b@shop.example\nshop.example;a@shop.example ')).toEqual(['a@shop.example', 'b@shop.example', 'shop.example']);
    expect(parseList('  \n ,, ')).toEqual([]);
  });

  it('says that a project with empty lists is open to everyone', () => {
    expect(describeAccess({ allowedEmails: [], allowedDomains: [] })).toBe('everyone');
    expect(describeAccess({ allowedEmails: ['a@x.example'], allowedDomains: ['shop.example'] })).toBe('a@x.example, anyone @shop.example');
  });
});

describe('project switching', () => {
  const list = [
    { uuid: 'd', isDefault: true },
    { uuid: 's', isDefault: false },
  ];

  it('keeps a remembered project the user may still enter', () => {
    expect(chooseProject(list, 's')).toEqual({ value: 's', stale: false });
    expect(chooseProject(list, null)).toEqual({ value: 'd', stale: false });
  });

  it('falls back to the default project when the remembered one is gone', () => {
    expect(chooseProject(list, 'deleted')).toEqual({ value: 'd', stale: true });
  });

  it('moves to the first open project when the default one is closed to the user', () => {
    expect(chooseProject([{ uuid: 's', isDefault: false }], null)).toEqual({ value: 's', stale: true });
    expect(chooseProject([], 'deleted')).toEqual({ value: '', stale: true });
    expect(chooseProject([], null)).toEqual({ value: '', stale: false });
  });
});

describe('one-time token', () => {
  it('shows a new token with a warning, copies it, and forgets it when done', async () => {
    const user = userEvent.setup();
    const done = vi.fn();
    render(<OneTimeToken name="edge-01" token="pna_abc123" onDone={done} />);
    expect(screen.getByRole('alert').textContent).toContain('shown only this once');
    expect(screen.getByLabelText('Token value').textContent).toBe('pna_abc123');
    await user.click(screen.getByRole('button', { name: 'Copy' }));
    expect(await navigator.clipboard.readText()).toBe('pna_abc123');
    await screen.findByRole('button', { name: 'Copied' });
    await user.click(screen.getByRole('button', { name: 'I have copied it' }));
    expect(done).toHaveBeenCalledTimes(1);
  });

  it('selects the token for copying by hand where the clipboard is closed', async () => {
    const user = userEvent.setup();
    const writeText = vi.spyOn(navigator.clipboard, 'writeText').mockRejectedValue(new DOMException('denied', 'NotAllowedError'));
    render(<OneTimeToken name="edge-01" token="pna_abc123" onDone={() => {}} />);
    await user.click(screen.getByRole('button', { name: 'Copy' }));
    expect(writeText).toHaveBeenCalledWith('pna_abc123');
    await screen.findByText(/the token is selected/);
    expect(window.getSelection()?.toString()).toBe('pna_abc123');
  });
});

describe("a user's e-mail", () => {
  it('sends a blank e-mail as none', () => {
    expect(emailChange('  ')).toEqual({ email: null });
    expect(emailChange(' vera@ops.example ')).toEqual({ email: 'vera@ops.example' });
  });

  it("shows the api's message next to the field and saves once corrected", async () => {
    const user = userEvent.setup();
    const save = vi.fn<(change: { email: string | null }) => Promise<void>>().mockRejectedValueOnce(new ApiError(400, 'VALIDATION', 'invalid input', [{ field: 'email', message: 'Invalid email' }])).mockResolvedValueOnce();
    render(<UserEmail username="vera" email="vera@ops.example" save={save} />);
    await user.click(screen.getByRole('button', { name: 'Change the e-mail of vera' }));
    const field = screen.getByLabelText(/^E-mail of vera/);
    expect(document.activeElement).toBe(field);
    await user.clear(field);
    await user.type(field, 'not an e-mail');
    await user.click(screen.getByRole('button', { name: 'Save e-mail' }));
    expect(save).toHaveBeenLastCalledWith({ email: 'not an e-mail' });
    expect((await screen.findByText('Invalid email')).id).toBe(field.getAttribute('aria-describedby')?.split(' ')[0]);
    await user.clear(field);
    await user.click(screen.getByRole('button', { name: 'Save e-mail' }));
    expect(save).toHaveBeenLastCalledWith({ email: null });
    await screen.findByRole('button', { name: 'Change the e-mail of vera' });
  });
});
