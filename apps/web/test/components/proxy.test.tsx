// @vitest-environment happy-dom
import { cleanup, render, screen, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { ApiError } from '../../src/api/client.js';
import { ResourceForm } from '../../src/components/ResourceForm.js';
import { move } from '../../src/components/resource-form.js';
import { onFormFields, RULE_FIELDS, withFormFields } from '../../src/routes/proxy/rule-fields.js';
import { byPriority, moveAnnouncement, nextPriority, reorder } from '../../src/routes/proxy/rule-order.js';

afterEach(cleanup);

const rule = (id: number, priority: number, name: string) => ({ id, priority, name });

describe('rule order', () => {
  it('lists rules by priority, lowest first, whatever order the api sent', () => {
    const rules = [rule(1, 30, 'c'), rule(2, 10, 'a'), rule(3, 20, 'b')];
    expect(byPriority(rules).map((r) => r.name)).toEqual(['a', 'b', 'c']);
    expect(rules.map((r) => r.name)).toEqual(['c', 'a', 'b']);
  });

  it('moves a dragged rule to where it was dropped, in both directions', () => {
    expect(reorder(['a', 'b', 'c', 'd'], 0, 2)).toEqual(['b', 'c', 'a', 'd']);
    expect(reorder(['a', 'b', 'c', 'd'], 3, 1)).toEqual(['a', 'd', 'b', 'c']);
    const items = ['a', 'b'];
    expect(reorder(items, 1, 1)).toBe(items);
    expect(reorder(items, 0, 5)).toBe(items);
  });

  it('keeps the arrows and drag and drop in agreement for one step', () => {
    const items = ['a', 'b', 'c'];
    expect(move(items, 1, -1)).toEqual(reorder(items, 1, 0));
    expect(move(items, 1, 1)).toEqual(reorder(items, 1, 2));
  });

  it('gives a new rule a priority after every existing one', () => {
    expect(nextPriority([])).toBe(10);
    expect(nextPriority([rule(1, 20, 'a'), rule(2, 70, 'b'), rule(3, 30, 'c')])).toBe(80);
  });

  it('announces the new position counted from one', () => {
    expect(moveAnnouncement('legacy redirect', 0, 2)).toBe('legacy redirect moved to position 1 of 2');
  });
});

describe('the rule form', () => {
  it('puts an error inside a JSON value next to that JSON field, keeping the inner path', () => {
    const error = new ApiError(400, 'VALIDATION', 'invalid', [
      { field: 'matchersConfig.0.type', message: 'Required' },
      { field: 'name', message: 'too long' },
      { field: 'unknown.path', message: 'kept as is' },
    ]);
    const folded = onFormFields(error) as ApiError;
    expect(folded.fields).toEqual([
      { field: 'matchersConfig', message: '0.type: Required' },
      { field: 'name', message: 'too long' },
      { field: 'unknown.path', message: 'kept as is' },
    ]);
    const other = new Error('network');
    expect(onFormFields(other)).toBe(other);
  });

  it("shows the api's messages next to the fields they name and keeps what the user typed", async () => {
    const send = vi.fn(async (_body: Record<string, unknown>) => {
      throw new ApiError(400, 'VALIDATION', 'invalid', [
        { field: 'priority', message: 'Number must be less than or equal to 100000' },
        { field: 'matchersConfig.0.type', message: 'Expected string, received number' },
      ]);
    });
    render(<ResourceForm fields={RULE_FIELDS} row={{ priority: 10, enabled: true }} submitLabel="Add rule" onSubmit={(body) => withFormFields(() => send(body))} />);
    const form = screen.getByRole('form', { name: 'Add rule' });
    await userEvent.type(within(form).getByLabelText('Rule name'), 'admin block');
    const priority = within(form).getByLabelText(/^Priority/);
    await userEvent.clear(priority);
    await userEvent.type(priority, '999999');
    await userEvent.click(within(form).getByLabelText(/^Matchers/));
    await userEvent.paste('[{"type": 1}]');
    await userEvent.click(within(form).getByRole('button', { name: 'Add rule' }));

    expect(send).toHaveBeenCalledWith({ name: 'admin block', priority: 999999, actionType: 'forward', matchersConfig: [{ type: 1 }], enabled: true });
    expect(await within(form).findByText('Number must be less than or equal to 100000')).toBeTruthy();
    expect(priority.getAttribute('aria-invalid')).toBe('true');
    expect(priority.getAttribute('aria-describedby')).toBeTruthy();
    const matchers = within(form).getByLabelText(/^Matchers/);
    expect(matchers.getAttribute('aria-invalid')).toBe('true');
    expect(within(form).getByText('0.type: Expected string, received number')).toBeTruthy();
    expect((within(form).getByLabelText('Rule name') as HTMLInputElement).value).toBe('admin block');
  });

  it('refuses JSON that does not parse before asking the api', async () => {
    const send = vi.fn(async () => {});
    render(<ResourceForm fields={RULE_FIELDS} row={null} submitLabel="Add rule" onSubmit={send} />);
    const form = screen.getByRole('form', { name: 'Add rule' });
    await userEvent.type(within(form).getByLabelText('Rule name'), 'x');
    await userEvent.type(within(form).getByLabelText('Priority', { exact: false }), '10');
    await userEvent.type(within(form).getByLabelText('Action settings (JSON)'), '{{location:');
    await userEvent.click(within(form).getByRole('button', { name: 'Add rule' }));
    expect(await within(form).findByText('must be valid JSON')).toBeTruthy();
    expect(send).not.toHaveBeenCalled();
  });
});
