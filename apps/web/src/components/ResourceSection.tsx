import { useState, type ReactNode } from 'react';
import { api } from '../api/client.js';
import { ConfirmButton, Loadable, TableHead, useResource } from './kit.js';
import { ResourceForm } from './ResourceForm.js';
import { useUser } from './session.js';
import type { FieldSpec } from './resource-form.js';

export type Row = Record<string, unknown> & { readonly id: number };

export interface SectionSpec {
  readonly title: string;
  /** Singular noun for buttons and confirmations ("host"). */
  readonly noun: string;
  /** The api collection (GET → `{ [key]: rows }`, POST, PATCH/DELETE `/:id`). */
  readonly path: string;
  readonly key: string;
  readonly fields: readonly FieldSpec[];
  readonly columns: readonly { readonly label: string; readonly value: (row: Row) => ReactNode }[];
  /** Values every create carries (e.g. the host the list belongs to). */
  readonly fixed?: Record<string, unknown>;
  /** What deleting one takes with it. */
  readonly deleteWarning?: string;
  readonly empty?: string;
  /** Which rows of the collection belong in this list. */
  readonly filter?: (row: Row) => boolean;
}

/** A configuration list: table, add form, edit in place, delete after a confirmation. */
export function ResourceSection({ spec, query = '', extra, onChange }: { spec: SectionSpec; query?: string; extra?: (row: Row) => ReactNode; onChange?: () => void }) {
  const admin = useUser().role === 'admin';
  const resource = useResource<Record<string, Row[]>>(`${spec.path}${query}`);
  const rows = (d: Record<string, Row[]>) => (d[spec.key] ?? []).filter(spec.filter ?? (() => true));
  const [editing, setEditing] = useState<number | null>(null);
  const [adding, setAdding] = useState(false);
  const changed = async () => {
    await resource.reload();
    onChange?.();
  };
  const save = (row: Row | null) => async (body: Record<string, unknown>) => {
    if (row === null) await api('POST', spec.path, { ...body, ...spec.fixed });
    else await api('PATCH', `${spec.path}/${row.id}`, body);
    setEditing(null);
    setAdding(false);
    await changed();
  };
  return (
    <section aria-label={spec.title}>
      <h2>{spec.title}</h2>
      <Loadable resource={resource} isEmpty={(d) => rows(d).length === 0} empty={spec.empty ?? `No ${spec.noun}s yet.`}>
        {(d) => (
          <table className="data">
            <TableHead columns={spec.columns.map((c) => c.label)} actions={admin || extra !== undefined} />
            <tbody>
              {rows(d).map((row) =>
                editing === row.id ? (
                  <tr key={row.id}>
                    <td colSpan={spec.columns.length + 1}>
                      <ResourceForm fields={spec.fields} row={row} submitLabel={`Save ${spec.noun}`} onSubmit={save(row)} onCancel={() => setEditing(null)} />
                    </td>
                  </tr>
                ) : (
                  <tr key={row.id}>
                    {spec.columns.map((c) => (
                      <td key={c.label}>{c.value(row)}</td>
                    ))}
                    <td className="row-actions">
                      {extra?.(row)}
                      {admin && (
                        <button type="button" onClick={() => setEditing(row.id)}>
                          Edit
                        </button>
                      )}
                      {admin && (
                      <ConfirmButton
                        label="Delete"
                        title={`Delete this ${spec.noun}?`}
                        message={spec.deleteWarning ?? `The ${spec.noun} is removed; this cannot be undone.`}
                        onConfirm={async () => {
                          await api('DELETE', `${spec.path}/${row.id}`);
                          await changed();
                        }}
                      />
                      )}
                    </td>
                  </tr>
                ),
              )}
            </tbody>
          </table>
        )}
      </Loadable>
      {!admin ? null : adding ? (
        <ResourceForm fields={spec.fields} row={null} submitLabel={`Add ${spec.noun}`} onSubmit={save(null)} onCancel={() => setAdding(false)} />
      ) : (
        <button type="button" onClick={() => setAdding(true)}>
          New {spec.noun}
        </button>
      )}
    </section>
  );
}
