import type { Database, OpenOptions } from '@panoptes/db-core';
import type { DialectFixture } from '@panoptes/db-core/testing';
import { createMigrator } from './migrator.js';

/** Opens a fresh database of the fixture's dialect with every migration applied. */
export async function openMigrated(fixture: DialectFixture, options: Partial<OpenOptions> = {}): Promise<Database> {
  const db = await fixture.open(options);
  await createMigrator(db).up();
  return db;
}
