import { useState, type FormEvent } from 'react';
import { api, currentProject } from '../api/client.js';
import { ConfirmButton, Field, FormFooter, Loadable, TableHead, useResource, useSubmit } from '../components/kit.js';
import { PROJECTS_CHANGED } from '../components/ProjectSwitcher.js';
import { describeAccess, parseList, type Project } from '../components/project-lists.js';
import { useUser } from '../components/session.js';

function ProjectForm({ project, onSaved, onCancel }: { project: Project | null; onSaved: () => Promise<void>; onCancel?: () => void }) {
  const submit = useSubmit(async (form: FormData) => {
    const body = { name: String(form.get('name') ?? '').trim(), allowedEmails: parseList(String(form.get('allowedEmails') ?? '')), allowedDomains: parseList(String(form.get('allowedDomains') ?? '')) };
    if (project === null) await api('POST', '/api/projects', body);
    else await api('PATCH', `/api/projects/${project.uuid}`, body);
    await onSaved();
  });
  const title = project ? `Edit project ${project.name}` : 'New project';
  return (
    <form
      className="stack card"
      aria-label={title}
      noValidate
      onSubmit={(e: FormEvent<HTMLFormElement>) => {
        e.preventDefault();
        const form = e.currentTarget;
        void submit.run(new FormData(form)).then((ok) => ok && project === null && form.reset());
      }}
    >
      <h2>{title}</h2>
      <Field label="Name" name="name" defaultValue={project?.name ?? ''} error={submit.fieldError('name')} />
      <Field label="Allowed e-mails" hint="Separated by commas or spaces. With no e-mails and no domains, every user may enter; otherwise only those listed (admins included: keep yourself in)." error={submit.fieldError('allowedEmails') ?? submit.error?.fields.find((f) => f.field.startsWith('allowedEmails.'))?.message}>
        <textarea name="allowedEmails" rows={2} defaultValue={project?.allowedEmails.join(', ') ?? ''} />
      </Field>
      <Field label="Allowed domains" hint="Users whose e-mail ends in one of these may enter." error={submit.fieldError('allowedDomains') ?? submit.error?.fields.find((f) => f.field.startsWith('allowedDomains.'))?.message}>
        <textarea name="allowedDomains" rows={2} defaultValue={project?.allowedDomains.join(', ') ?? ''} />
      </Field>
      <FormFooter error={submit.formError} label={project ? 'Save project' : 'Create project'} busy={submit.busy} onCancel={onCancel} />
    </form>
  );
}

/** Projects: separate logs, hosts, channels and tokens; who may enter each. */
export default function Projects() {
  const admin = useUser().role === 'admin';
  const loaded = useResource<{ projects: Project[] }>('/api/projects');
  const projects = {
    ...loaded,
    reload: async () => {
      await loaded.reload();
      window.dispatchEvent(new Event(PROJECTS_CHANGED));
    },
  };
  const [editing, setEditing] = useState<string | null>(null);
  const current = currentProject();
  return (
    <div className="projects">
      <h1>Projects</h1>
      <p className="hint">Each project has its own logs, hosts, notification channels, API tokens and audit log. Switch between them in the header.</p>
      <Loadable resource={loaded}>
        {(d) => (
          <table className="data">
            <TableHead columns={['Name', 'Who may enter']} actions />
            <tbody>
              {d.projects.map((p) =>
                editing === p.uuid ? (
                  <tr key={p.uuid}>
                    <td colSpan={3}>
                      <ProjectForm
                        project={p}
                        onCancel={() => setEditing(null)}
                        onSaved={async () => {
                          setEditing(null);
                          await projects.reload();
                        }}
                      />
                    </td>
                  </tr>
                ) : (
                  <tr key={p.uuid}>
                    <td>
                      {p.name} {p.isDefault && <span className="hint">(default)</span>} {(current === p.uuid || (current === null && p.isDefault)) && <strong>(current)</strong>}
                    </td>
                    <td>{describeAccess(p)}</td>
                    <td>
                      <div className="row-actions">
                        {admin && (
                          <button type="button" onClick={() => setEditing(p.uuid)}>
                            Edit
                          </button>
                        )}
                        {admin && !p.isDefault && (
                          <ConfirmButton
                            label="Delete"
                            title={`Delete the project ${p.name}?`}
                            message="Its log entries, hosts and rules, notification channels and history, API tokens and audit log are deleted with it. This cannot be undone (a backup can bring it back)."
                            onConfirm={async () => {
                              await api('DELETE', `/api/projects/${p.uuid}`);
                              await projects.reload();
                            }}
                          />
                        )}
                      </div>
                    </td>
                  </tr>
                ),
              )}
            </tbody>
          </table>
        )}
      </Loadable>
      {admin && <ProjectForm project={null} onSaved={projects.reload} />}
    </div>
  );
}
