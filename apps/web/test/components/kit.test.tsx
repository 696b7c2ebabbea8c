// @vitest-environment happy-dom
import { cleanup, render, screen } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { ApiError } from '../../src/api/client.js';
import { ConfirmButton, Field, formValues, useSubmit } from '../../src/components/kit.js';

afterEach(cleanup);

function NameForm({ save }: { save: (name: string) => Promise<void> }) {
  const submit = useSubmit(save);
  return (
    <form onSubmit={(e) => void submit.run(formValues(e).name ?? '')}>
      <Field label="Name" name="name" error={submit.fieldError('name')} />
      {submit.formError && <p role="alert">{submit.formError}</p>}
      <button type="submit">Save</button>
    </form>
  );
}

describe('forms', () => {
  it("shows the api's message next to the field it names, and clears it on the next try", async () => {
    const save = vi.fn<(name: string) => Promise<void>>().mockRejectedValueOnce(new ApiError(400, 'VALIDATION', 'invalid input', [{ field: 'name', message: 'must not be empty' }])).mockResolvedValueOnce();
    render(<NameForm save={save} />);
    await userEvent.click(screen.getByRole('button', { name: 'Save' }));
    const input = screen.getByLabelText(/^Name/);
    expect(await screen.findByText('must not be empty')).toBeTruthy();
    expect(input.getAttribute('aria-invalid')).toBe('true');
    expect(document.getElementById(input.getAttribute('aria-describedby')!)!.textContent).toBe('must not be empty');
    expect(screen.getByRole('alert').textContent).toBe('Some fields need attention.');

    await userEvent.type(input, 'edge');
    await userEvent.click(screen.getByRole('button', { name: 'Save' }));
    expect(save).toHaveBeenLastCalledWith('edge');
    expect(screen.queryByText('must not be empty')).toBeNull();
    expect(screen.queryByRole('alert')).toBeNull();
  });

  it('shows an error without fields as the form message', async () => {
    render(<NameForm save={() => Promise.reject(new ApiError(409, 'CONFLICT', 'a source named edge exists'))} />);
    await userEvent.click(screen.getByRole('button', { name: 'Save' }));
    expect((await screen.findByRole('alert')).textContent).toBe('a source named edge exists');
  });
});

describe('ConfirmButton', () => {
  it('runs the action only after the confirmation, and keeps the dialog open with the error when it fails', async () => {
    const action = vi.fn<() => Promise<void>>().mockRejectedValueOnce(new ApiError(409, 'CONFLICT', 'the default project cannot be deleted')).mockResolvedValueOnce();
    render(<ConfirmButton label="Delete" title="Delete the project?" message="Its logs go with it." onConfirm={action} />);
    await userEvent.click(screen.getByRole('button', { name: 'Delete' }));
    expect(action).not.toHaveBeenCalled();
    const dialog = screen.getByRole('dialog', { name: 'Delete the project?' });
    await userEvent.click(screen.getAllByRole('button', { name: 'Delete' }).at(-1)!);
    expect(action).toHaveBeenCalledTimes(1);
    expect((await screen.findByRole('alert')).textContent).toBe('the default project cannot be deleted');
    expect((dialog as HTMLDialogElement).open).toBe(true);
    await userEvent.click(screen.getAllByRole('button', { name: 'Delete' }).at(-1)!);
    expect(action).toHaveBeenCalledTimes(2);
    expect((dialog as HTMLDialogElement).open).toBe(false);
  });
});
