import pg from 'pg';

const DEFAULT_ADMIN_URL = 'postgres://postgres@127.0.0.1:5432/postgres';

/**
 * Probes Postgres once per test run and hands the result to the tests (`inject('postgres')`).
 * Test tooling is the one place outside apps/*\/src/env.ts that reads the environment.
 */
export default async function setup(project) {
  const url = process.env.PANOPTES_TEST_POSTGRES_URL || DEFAULT_ADMIN_URL;
  const required = process.env.PANOPTES_REQUIRE_POSTGRES === '1';
  const client = new pg.Client({ connectionString: url, connectionTimeoutMillis: 3000 });
  let status;
  try {
    await client.connect();
    const { rows } = await client.query('show server_version');
    status = { available: true, adminUrl: url, version: rows[0].server_version };
  } catch (error) {
    status = { available: false, adminUrl: url, reason: error instanceof Error ? error.message : String(error) };
  } finally {
    await client.end().catch(() => {});
  }
  if (!status.available) {
    const where = redact(url);
    if (required) {
      throw new Error(`PANOPTES_REQUIRE_POSTGRES=1 but Postgres is not reachable at ${where}: ${status.reason}`);
    }
    console.warn(
      `\n[panoptes] Postgres not reachable at ${where} (${status.reason}): Postgres suites are SKIPPED.` +
        ` Set PANOPTES_REQUIRE_POSTGRES=1 to make that an error.\n`,
    );
  }
  process.env.PANOPTES_TEST_POSTGRES_STATUS = status.available ? `ran (Postgres ${status.version})` : `skipped (${status.reason})`;
  project.provide('postgres', status);
}

function redact(url) {
  try {
    const u = new URL(url);
    if (u.password) u.password = '***';
    return u.toString();
  } catch {
    return '<invalid PANOPTES_TEST_POSTGRES_URL>';
  }
}
