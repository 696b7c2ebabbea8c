import type { Database } from './database.js';
import { PanoptesError } from './errors.js';
import { ProjectScopePlugin, stampProject, type ProjectScope } from './project-scope.js';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

/** Binds a database handle to one project: every read filtered, every write stamped. */
export function createProjectScope(database: Database, uuid: string): ProjectScope {
  if (!UUID.test(uuid)) throw new PanoptesError('INVALID_PROJECT_UUID', `not a project uuid: ${JSON.stringify(uuid)}`);
  const plugin = new ProjectScopePlugin(uuid);
  return {
    uuid,
    read: database.read.withPlugin(plugin),
    write: (unit) =>
      database.write((tx) =>
        unit({
          ...tx,
          db: tx.db.withPlugin(plugin),
          insertMany: (table, columns, rows, options) => {
            const stamped = stampProject(table, uuid, columns, rows);
            return tx.insertMany(table, stamped.columns as typeof columns, stamped.rows, options);
          },
          insertNew: (table, columns, rows, keyColumn) => {
            const stamped = stampProject(table, uuid, columns, rows);
            return tx.insertNew(table, stamped.columns as typeof columns, stamped.rows, keyColumn);
          },
        }),
      ),
  };
}
