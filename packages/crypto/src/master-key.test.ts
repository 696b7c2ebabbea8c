import { mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { generateMasterKey, keyFingerprint, loadMasterKeys, parseMasterKey } from './master-key.js';

const dir = mkdtempSync(join(tmpdir(), 'panoptes-keys-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('master keys', () => {
  it('accepts base64 of exactly 32 bytes and refuses anything else with how to make one', () => {
    const good = generateMasterKey();
    expect(parseMasterKey(good).bytes).toHaveLength(32);
    for (const bad of ['', 'not base64!', Buffer.alloc(16).toString('base64'), Buffer.alloc(33).toString('base64')]) {
      expect(() => parseMasterKey(bad)).toThrow(/PANOPTES_MASTER_KEY .*openssl rand -base64 32/);
    }
  });

  it('has a stable one-way fingerprint and an id derived from it', () => {
    const key = parseMasterKey(Buffer.alloc(32, 5).toString('base64'));
    expect(key.fingerprint).toBe(keyFingerprint(Buffer.alloc(32, 5)));
    expect(key.fingerprint).toMatch(/^[0-9a-f]{64}$/);
    expect(key.fingerprint).not.toContain(Buffer.alloc(32, 5).toString('hex'));
    expect(key.id).toBe(key.fingerprint.slice(0, 12));
    expect(parseMasterKey(Buffer.alloc(32, 6).toString('base64')).fingerprint).not.toBe(key.fingerprint);
  });

  it('takes keys from the environment value, first one primary', () => {
    const [a, b] = [generateMasterKey(), generateMasterKey()];
    const loaded = loadMasterKeys({ envValue: `${a},${b}`, keyFile: join(dir, 'unused.key') });
    expect(loaded.source).toBe('env');
    expect(loaded.keys.map((k) => k.bytes.toString('base64'))).toEqual([a, b]);
  });

  it('creates the key file with mode 0600 on first start and reads it back afterwards', () => {
    const keyFile = join(dir, 'conf', 'panoptes.key');
    const first = loadMasterKeys({ keyFile, createIfMissing: true, dataDir: join(dir, 'data') });
    expect(first).toMatchObject({ source: 'file', created: true, warnings: [] });
    expect(statSync(keyFile).mode & 0o777).toBe(0o600);
    const second = loadMasterKeys({ keyFile, dataDir: join(dir, 'data') });
    expect(second.created).toBe(false);
    expect(second.keys[0]!.fingerprint).toBe(first.keys[0]!.fingerprint);
    expect(readFileSync(keyFile, 'utf8')).toContain('# Panoptes master key');
  });

  it('warns about a key file inside the data folder or readable by others', () => {
    const dataDir = join(dir, 'data2');
    const inside = loadMasterKeys({ keyFile: join(dataDir, 'panoptes.key'), createIfMissing: true, dataDir });
    expect(inside.warnings.join('\n')).toMatch(/sits in the data folder/);
    const loose = join(dir, 'loose.key');
    writeFileSync(loose, `${generateMasterKey()}\n`, { mode: 0o644 });
    expect(loadMasterKeys({ keyFile: loose }).warnings.join('\n')).toMatch(/chmod 600/);
  });

  it('refuses a missing key file unless asked to create it, and a key file with a bad line', () => {
    expect(() => loadMasterKeys({ keyFile: join(dir, 'absent.key') })).toThrow(/does not exist/);
    const bad = join(dir, 'bad.key');
    writeFileSync(bad, 'c2hvcnQ=\n', { mode: 0o600 });
    expect(() => loadMasterKeys({ keyFile: bad })).toThrow(/line 1 decodes to 5 bytes/);
  });
});
