// @vitest-environment happy-dom
import { cleanup, render, screen, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { ApiError } from '../../src/api/client.js';
import { changedSettings, groupSettings, inputKind, parseSetting, settingUnit, type Setting } from '../../src/routes/settings/setting-value.js';
import { SettingsForm } from '../../src/routes/settings/SettingsForm.js';

afterEach(cleanup);

const SETTINGS: readonly Setting[] = [
  { key: 'backup.enabled', value: true, default: true, description: 'Take scheduled backups' },
  { key: 'backup.schedule', value: '0 3 * * *', default: '0 3 * * *', description: 'When scheduled backups run (cron, UTC)' },
  { key: 'backup.retention_days', value: 14, default: 14, description: 'Days scheduled backups are kept' },
  { key: 'backup.keep_last', value: 7, default: 7, description: 'Newest scheduled backups always kept' },
];

describe('setting values', () => {
  it('types each value like its default and picks the matching input', () => {
    expect(SETTINGS.map(inputKind)).toEqual(['checkbox', 'text', 'number', 'number']);
    expect(parseSetting(SETTINGS[2]!, ' 21 ', false)).toBe(21);
    expect(parseSetting(SETTINGS[2]!, '', false)).toBeNaN();
    expect(parseSetting(SETTINGS[0]!, 'on', false)).toBe(false);
    expect(parseSetting(SETTINGS[1]!, '30 2 * * *', true)).toBe('30 2 * * *');
    expect([settingUnit('session.idle_minutes'), settingUnit('session.absolute_hours'), settingUnit('logs.retention_days'), settingUnit('logs.max_entries')]).toEqual(['minutes', 'hours', 'days', null]);
  });

  it('finds only the changed settings, an empty number counting as changed', () => {
    const form: Record<string, { value: string; checked: boolean }> = {
      'backup.enabled': { value: 'on', checked: true },
      'backup.schedule': { value: '0 3 * * *', checked: false },
      'backup.retention_days': { value: '', checked: false },
      'backup.keep_last': { value: '9', checked: false },
    };
    const changed = changedSettings(SETTINGS, (k) => form[k] ?? null);
    expect([...changed.keys()]).toEqual(['backup.retention_days', 'backup.keep_last']);
    expect(changed.get('backup.keep_last')).toBe(9);
  });

  it('groups by key prefix and keeps a key no group claims', () => {
    const groups = groupSettings([...SETTINGS, { key: 'logs.retention_days', value: 30, default: 30, description: 'Days' }, { key: 'ui.theme', value: 'x', default: 'x', description: 'Theme' }]);
    expect(groups.map((g) => [g.title, g.settings.length])).toEqual([
      ['Log retention', 1],
      ['Backups', 4],
      ['Other settings', 1],
    ]);
  });
});

describe('the settings form', () => {
  it("sends typed values, shows the api's message next to a refused field and saves the others", async () => {
    const save = vi.fn(async (key: string, _value: unknown) => {
      if (key === 'backup.schedule') throw new ApiError(400, 'VALIDATION', 'backup.schedule: not a cron expression', [{ field: 'backup.schedule', message: 'not a cron expression' }]);
    });
    const onSaved = vi.fn(async () => {});
    render(<SettingsForm title="Backups" settings={SETTINGS} readOnly={false} onSaved={onSaved} save={save} />);
    const form = screen.getByRole('form', { name: 'Backups' });
    await userEvent.click(within(form).getByLabelText('Take scheduled backups'));
    await userEvent.clear(within(form).getByLabelText(/^When scheduled backups run/));
    await userEvent.type(within(form).getByLabelText(/^When scheduled backups run/), 'every night');
    await userEvent.clear(within(form).getByLabelText(/^Days scheduled backups are kept \(days\)/));
    await userEvent.type(within(form).getByLabelText(/^Days scheduled backups are kept \(days\)/), '21');
    await userEvent.click(within(form).getByRole('button', { name: 'Save backups' }));

    expect(await within(form).findByText('not a cron expression')).toBeTruthy();
    expect(save.mock.calls).toEqual([
      ['backup.enabled', false],
      ['backup.schedule', 'every night'],
      ['backup.retention_days', 21],
    ]);
    const cron = within(form).getByLabelText(/^When scheduled backups run/);
    expect(cron.getAttribute('aria-invalid')).toBe('true');
    expect(document.getElementById(cron.getAttribute('aria-describedby')!.split(' ')[0]!)?.textContent).toBe('not a cron expression');
    expect(within(form).getByLabelText(/^Days scheduled backups are kept \(days\)/).getAttribute('aria-invalid')).toBeNull();
    expect(within(form).getByRole('alert').textContent).toContain('the others were saved');
    expect(onSaved).toHaveBeenCalledTimes(1);
    expect(within(form).queryByText('Saved.')).toBeNull();
  });

  it('says so when nothing changed, and sends nothing', async () => {
    const save = vi.fn(async () => {});
    render(<SettingsForm title="Backups" settings={SETTINGS} readOnly={false} onSaved={async () => {}} save={save} />);
    await userEvent.click(screen.getByRole('button', { name: 'Save backups' }));
    expect(await screen.findByText('Nothing changed.')).toBeTruthy();
    expect(save).not.toHaveBeenCalled();
  });

  it('is read-only for a viewer: locked inputs and no save button', () => {
    render(<SettingsForm title="Backups" settings={SETTINGS} readOnly onSaved={async () => {}} />);
    expect(screen.queryByRole('button')).toBeNull();
    expect((screen.getByLabelText('Take scheduled backups') as HTMLInputElement).disabled).toBe(true);
    expect((screen.getByLabelText(/^Newest scheduled backups always kept/) as HTMLInputElement).readOnly).toBe(true);
    expect((screen.getByLabelText(/^Newest scheduled backups always kept/) as HTMLInputElement).type).toBe('number');
  });
});
