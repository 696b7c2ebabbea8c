import type { Database, IngestParser } from '@panoptes/db-core';

export interface FileSourceConfig {
  readonly projectUuid: string;
  /** Unique per project. */
  readonly name: string;
  readonly path: string;
  readonly parser: IngestParser;
  /** Where a file never read before starts: its beginning, or its end (only new lines). */
  readonly startAt?: 'beginning' | 'end';
}

export interface SourceState {
  readonly id: number;
  readonly projectUuid: string;
  readonly name: string;
  readonly path: string;
  readonly parser: IngestParser;
  readonly startAt: 'beginning' | 'end';
  readonly device: string | null;
  readonly inode: string | null;
  readonly offset: number;
}

/** Creates the ingest_sources row of a tailed file, or updates its path, parser and start. */
export async function ensureFileSource(db: Database, config: FileSourceConfig): Promise<SourceState> {
  const now = Date.now();
  const scope = db.project(config.projectUuid);
  await scope.write(async (tx) => {
    await tx.db
      .insertInto('ingest_sources')
      .values({ name: config.name, kind: 'file', parser: config.parser, path: config.path, start_at: config.startAt ?? 'beginning', created_at: now, updated_at: now })
      .onConflict((oc) =>
        oc.columns(['project_uuid', 'name']).doUpdateSet({ kind: 'file', parser: config.parser, path: config.path, start_at: config.startAt ?? 'beginning', updated_at: now }),
      )
      .execute();
  });
  return loadSource(db, config.projectUuid, config.name);
}

/** The committed state of a source. */
export async function loadSource(db: Database, projectUuid: string, name: string): Promise<SourceState> {
  const row = await db.project(projectUuid).read.selectFrom('ingest_sources').selectAll().where('name', '=', name).executeTakeFirstOrThrow();
  return {
    id: row.id,
    projectUuid,
    name: row.name,
    path: row.path ?? '',
    parser: row.parser,
    startAt: row.start_at,
    device: row.device,
    inode: row.inode,
    offset: row.byte_offset,
  };
}
