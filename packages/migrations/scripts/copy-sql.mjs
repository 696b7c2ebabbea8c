// The SQL files ship inside the build: dist/sql mirrors src/sql, so nothing reads src at run time.
import { cpSync, rmSync } from 'node:fs';

rmSync(new URL('../dist/sql', import.meta.url), { recursive: true, force: true });
cpSync(new URL('../src/sql', import.meta.url), new URL('../dist/sql', import.meta.url), { recursive: true });
