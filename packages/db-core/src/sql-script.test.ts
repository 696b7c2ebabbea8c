import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { splitSqlScript } from './sql-script.js';

describe('splitSqlScript', () => {
  it('splits at top-level semicolons and reports each statement\'s line', () => {
    const script = "-- header; not a statement\nCREATE TABLE a (x TEXT DEFAULT ';');\n\n/* multi\n line; */ INSERT INTO a VALUES ('it''s; fine');\nSELECT 1";
    expect(splitSqlScript(script, 'sqlite')).toEqual([
      { sql: "-- header; not a statement\nCREATE TABLE a (x TEXT DEFAULT ';')", line: 1 },
      { sql: "/* multi\n line; */ INSERT INTO a VALUES ('it''s; fine')", line: 4 },
      { sql: 'SELECT 1', line: 6 },
    ]);
  });

  it('keeps a SQLite trigger body, CASE ... END included, in one statement', () => {
    const script = `CREATE TRIGGER t AFTER INSERT ON a BEGIN
  UPDATE a SET x = CASE WHEN new.x IS NULL THEN 'none;' ELSE new.x END;
  DELETE FROM b;
END;
SELECT 2;`;
    const statements = splitSqlScript(script, 'sqlite');
    expect(statements.map((s) => s.line)).toEqual([1, 5]);
    expect(statements[0]!.sql.endsWith('END')).toBe(true);
  });

  it('keeps Postgres dollar-quoted bodies whole and treats brackets as plain text', () => {
    const script = "CREATE FUNCTION f() RETURNS int AS $body$ BEGIN RETURN 1; END; $body$ LANGUAGE plpgsql;\nSELECT (ARRAY[1,2])[1];";
    expect(splitSqlScript(script, 'postgres').map((s) => s.sql)).toEqual([
      'CREATE FUNCTION f() RETURNS int AS $body$ BEGIN RETURN 1; END; $body$ LANGUAGE plpgsql',
      'SELECT (ARRAY[1,2])[1]',
    ]);
  });

  it('drops empty statements and comment-only tails', () => {
    expect(splitSqlScript(';;\n-- only a comment\n', 'sqlite')).toEqual([]);
  });

  it('gives back exactly the statements a script was made of (property)', () => {
    const text = fc.stringMatching(/^[a-z ;'-]{0,12}$/).map((s) => `'${s.replace(/'/g, "''")}'`);
    const statement = fc.array(fc.oneof(text, fc.constantFrom('SELECT', 'x', '1', '(', ')', ',')), { minLength: 1, maxLength: 6 }).map((parts) => `SELECT ${parts.join(' ')}`);
    fc.assert(
      fc.property(fc.array(statement, { minLength: 1, maxLength: 8 }), fc.constantFrom('sqlite', 'postgres' as const), (statements, dialect) => {
        const split = splitSqlScript(statements.join(';\n'), dialect);
        expect(split.map((s) => s.sql)).toEqual(statements);
        expect(split.map((s) => s.line)).toEqual(statements.map((_, i) => i + 1));
      }),
    );
  });
});
