import express, { Router } from 'express';
import { INGEST_PARSERS, PanoptesError } from '@panoptes/db-core';
import { ingestBatch } from '@panoptes/ingest';
import { z } from 'zod';
import type { AppContext } from '../context.js';
import { parseInput, route } from '../http.js';
import { projectOf } from '../auth/middleware.js';

const params = z.object({ source: z.string().regex(/^[a-z0-9][a-z0-9_.-]{0,62}$/, 'a source name: lower-case letters, digits and _ . -') });
const query = z.object({ parser: z.enum(INGEST_PARSERS).optional() });

/**
 * `POST /api/ingest/:source` with an NDJSON body and an API token: one result per line. The source
 * is created on first use (kind http) with the parser given by `?parser=`.
 */
export function ingestRoutes(ctx: AppContext): Router {
  const router = Router();
  router.post(
    '/:source',
    express.raw({ type: () => true, limit: '16mb' }),
    route(async (req, res) => {
      if (req.auth?.kind !== 'token') throw new PanoptesError('UNAUTHENTICATED', 'ingest needs an API token (Authorization: Bearer pna_...)');
      const { source } = parseInput(params, req.params, 'source');
      const { parser: requested } = parseInput(query, req.query, 'query');
      const projectUuid = projectOf(req);
      const scope = ctx.db.project(projectUuid);
      let row = await scope.read.selectFrom('ingest_sources').select(['id', 'parser', 'kind']).where('name', '=', source).executeTakeFirst();
      if (row === undefined) {
        if (requested === undefined) throw new PanoptesError('VALIDATION', 'parser: a new source needs ?parser=', { context: { fields: [{ field: 'parser', message: 'required for a new source' }] } });
        const now = ctx.clock();
        // The first requests for a new source may arrive together: whoever inserts second takes the row.
        row = await scope.write(async (tx) => {
          await tx.db
            .insertInto('ingest_sources')
            .values({ name: source, kind: 'http', parser: requested, created_at: now, updated_at: now })
            .onConflict((oc) => oc.columns(['project_uuid', 'name']).doNothing())
            .execute();
          return tx.db.selectFrom('ingest_sources').select(['id', 'parser', 'kind']).where('name', '=', source).executeTakeFirstOrThrow();
        });
      }
      if (row.kind !== 'http') throw new PanoptesError('VALIDATION', `source ${source} is a tailed file, not an HTTP source`);
      const body = Buffer.isBuffer(req.body) ? req.body : Buffer.alloc(0);
      // The source's counters grow in the same transactions as the lines.
      const report = await ingestBatch(ctx.writer, body, { projectUuid, parser: row.parser, sourceName: source, sourceId: row.id });
      res.json(report);
    }),
  );
  return router;
}
