export interface ScriptStatement {
  readonly sql: string;
  /** 1-based line of the statement's first character in the script. */
  readonly line: number;
}

/**
 * Splits a SQL script into statements at top-level semicolons, skipping quoted text, comments,
 * Postgres dollar-quoted bodies and SQLite trigger bodies (BEGIN ... END, with CASE ... END inside).
 */
export function splitSqlScript(script: string, dialect: 'sqlite' | 'postgres'): ScriptStatement[] {
  const statements: ScriptStatement[] = [];
  let start = 0;
  let line = 1;
  let startLine = 1;
  let depth = 0; // open BEGIN/CASE blocks inside a trigger body
  let i = 0;
  const push = (end: number): void => {
    const text = script.slice(start, end);
    const trimmed = text.trim();
    if (stripComments(trimmed).trim() !== '') {
      const leading = text.slice(0, text.length - text.trimStart().length);
      statements.push({ sql: trimmed, line: startLine + count(leading, '\n') });
    }
  };
  while (i < script.length) {
    const ch = script[i]!;
    const next = script[i + 1];
    if (ch === '\n') {
      line += 1;
      i += 1;
    } else if (ch === '-' && next === '-') {
      const end = script.indexOf('\n', i);
      i = end === -1 ? script.length : end;
    } else if (ch === '/' && next === '*') {
      const end = script.indexOf('*/', i + 2);
      const stop = end === -1 ? script.length : end + 2;
      line += count(script.slice(i, stop), '\n');
      i = stop;
    } else if (ch === "'" || ch === '"' || (dialect === 'sqlite' && (ch === '`' || ch === '['))) {
      const close = ch === '[' ? ']' : ch;
      let j = i + 1;
      for (;;) {
        const k = script.indexOf(close, j);
        if (k === -1) {
          j = script.length;
          break;
        }
        if (close !== ']' && script[k + 1] === close) {
          j = k + 2; // doubled quote is an escaped quote
          continue;
        }
        j = k + 1;
        break;
      }
      line += count(script.slice(i, j), '\n');
      i = j;
    } else if (dialect === 'postgres' && ch === '$') {
      const tag = /^\$[A-Za-z_]*\$/.exec(script.slice(i))?.[0];
      if (tag === undefined) {
        i += 1;
        continue;
      }
      const end = script.indexOf(tag, i + tag.length);
      const stop = end === -1 ? script.length : end + tag.length;
      line += count(script.slice(i, stop), '\n');
      i = stop;
    } else if (/[A-Za-z_]/.test(ch) && (i === 0 || !/[A-Za-z0-9_$]/.test(script[i - 1]!))) {
      const word = /^[A-Za-z_][A-Za-z0-9_$]*/.exec(script.slice(i, i + 64))![0];
      if (dialect === 'sqlite' && isTrigger(script.slice(start, i))) {
        const upper = word.toUpperCase();
        if (upper === 'BEGIN' || upper === 'CASE') depth += 1;
        else if (upper === 'END') depth -= 1;
      }
      i += word.length;
    } else if (ch === ';' && depth <= 0) {
      push(i);
      i += 1;
      start = i;
      startLine = line;
      depth = 0;
    } else {
      i += 1;
    }
  }
  push(script.length);
  return statements;
}

function isTrigger(statementSoFar: string): boolean {
  return /^\s*CREATE\s+(TEMP\s+|TEMPORARY\s+)?TRIGGER\b/i.test(stripComments(statementSoFar));
}

function stripComments(sql: string): string {
  return sql.replace(/--[^\n]*/g, '').replace(/\/\*[\s\S]*?\*\//g, '');
}

function count(text: string, ch: string): number {
  let n = 0;
  for (const c of text) if (c === ch) n += 1;
  return n;
}
