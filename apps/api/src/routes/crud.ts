import { Router, type Request } from 'express';
import type { Kysely } from 'kysely';
import type { z } from 'zod';
import type { WriteContext } from '@panoptes/db-core';
import type { AppContext } from '../context.js';
import { idParam, notFound, parseInput, route } from '../http.js';
import { currentUser, projectOf } from '../auth/middleware.js';
import { audit } from '../services/audit.js';

type Loose = Kysely<Record<string, Record<string, unknown>>>;

export interface Resource {
  /** URL path and name in messages and audit entries. */
  readonly name: string;
  readonly table: string;
  /** A project-scoped parent the row points at (checked on every write). */
  readonly parent?: { readonly table: string; readonly column: string };
  /** The table has its own project_uuid (else it belongs to the project through its parent). */
  readonly scoped: boolean;
  readonly create: z.ZodObject;
  /** camelCase input to the table's columns. */
  readonly toRow: (input: Record<string, unknown>) => Record<string, unknown>;
  readonly timestamps?: { readonly created: boolean; readonly updated: boolean };
  /** Runs after every change (cache invalidation). */
  readonly changed?: (projectUuid: string) => void;
}

/**
 * List, create, update and delete for a configuration table, within the request's project: rows
 * of another project (or of a parent in another project) are "not found". Every change writes an
 * audit entry in the same transaction.
 */
export function crudRoutes(ctx: AppContext, r: Resource): Router {
  const router = Router();

  const checkParent = async (tx: { db: Loose }, projectUuid: string, row: Record<string, unknown>) => {
    if (r.parent === undefined) return;
    const parentId = row[r.parent.column];
    if (parentId === undefined || parentId === null) return;
    const parent = await tx.db.selectFrom(r.parent.table).select('id').where('id', '=', parentId).where('project_uuid', '=', projectUuid).executeTakeFirst();
    if (parent === undefined) throw notFound(`${r.parent.table.replace(/s$/, '')} ${String(parentId)}`);
  };
  /** The row, if it belongs to the project (directly or through its parent). */
  const find = async (db: Loose, projectUuid: string, rowId: number) => {
    let q = db.selectFrom(`${r.table} as t`).selectAll('t').where('t.id', '=', rowId);
    q = !r.scoped && r.parent ? q.innerJoin(`${r.parent.table} as p`, 'p.id', `t.${r.parent.column}`).where('p.project_uuid', '=', projectUuid) : q.where('t.project_uuid', '=', projectUuid);
    return q.executeTakeFirst();
  };
  const write = <T>(req: Request, work: (tx: WriteContext & { db: Loose }) => Promise<T>) => ctx.db.project(projectOf(req)).write((tx) => work(tx as WriteContext & { db: Loose }));

  router.get('/', route(async (req, res) => {
    const db = ctx.db.project(projectOf(req)).read as unknown as Loose;
    let q = db.selectFrom(`${r.table} as t`).selectAll('t').orderBy('t.id');
    if (r.parent) {
      if (!r.scoped) q = q.innerJoin(`${r.parent.table} as p`, 'p.id', `t.${r.parent.column}`);
      const filter = req.query[r.parent.column];
      if (typeof filter === 'string') q = q.where(`t.${r.parent.column}`, '=', Number(filter));
    }
    res.json({ [r.name]: await q.execute() });
  }));

  router.post('/', route(async (req, res) => {
    const input = parseInput(r.create, req.body);
    const now = ctx.clock();
    const row = { ...r.toRow(input), ...(r.timestamps?.created !== false ? { created_at: now } : {}), ...(r.timestamps?.updated !== false ? { updated_at: now } : {}) };
    const created = await write(req, async (tx) => {
      await checkParent(tx, projectOf(req), row);
      const inserted = await tx.db.insertInto(r.table).values(row).returningAll().executeTakeFirstOrThrow();
      await audit(tx, { ts: now, actor: currentUser(req).username, action: `${r.name}.create`, target: `${r.name}/${String(inserted.id)}`, after: inserted }, projectOf(req));
      return inserted;
    });
    r.changed?.(projectOf(req));
    res.status(201).json(created);
  }));

  router.patch('/:id', route(async (req, res) => {
    const rowId = idParam(req);
    const input = parseInput(r.create.partial(), req.body);
    const now = ctx.clock();
    const changes = { ...r.toRow(input), ...(r.timestamps?.updated !== false ? { updated_at: now } : {}) };
    const updated = await write(req, async (tx) => {
      const before = await find(tx.db, projectOf(req), rowId);
      if (before === undefined) throw notFound(`${r.name} ${rowId}`);
      await checkParent(tx, projectOf(req), changes);
      const after = await tx.db.updateTable(r.table).set(changes).where('id', '=', rowId).returningAll().executeTakeFirstOrThrow();
      await audit(tx, { ts: now, actor: currentUser(req).username, action: `${r.name}.update`, target: `${r.name}/${rowId}`, before, after }, projectOf(req));
      return after;
    });
    r.changed?.(projectOf(req));
    res.json(updated);
  }));

  router.delete('/:id', route(async (req, res) => {
    const rowId = idParam(req);
    await write(req, async (tx) => {
      const before = await find(tx.db, projectOf(req), rowId);
      if (before === undefined) throw notFound(`${r.name} ${rowId}`);
      await tx.db.deleteFrom(r.table).where('id', '=', rowId).execute();
      await audit(tx, { ts: ctx.clock(), actor: currentUser(req).username, action: `${r.name}.delete`, target: `${r.name}/${rowId}`, before }, projectOf(req));
    });
    r.changed?.(projectOf(req));
    res.status(204).end();
  }));
  return router;
}
