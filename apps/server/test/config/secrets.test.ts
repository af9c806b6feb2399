/**
 * Secrets (src/config/secrets.ts): generated once into DATA_DIR/secrets.json (0600) when the
 * environment sets none, the same on every start, the environment winning when set.
 */
import crypto from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/config/config.ts';
import { resolveSecrets, secretsFile } from '../../src/config/secrets.ts';
import { Keyring } from '../../src/security/encryption.ts';

const dirs: string[] = [];
function tempDir(): string {
  const d = path.join(os.tmpdir(), `bb-secrets-${crypto.randomBytes(4).toString('hex')}`);
  dirs.push(d);
  return d;
}
afterAll(() => {
  for (const d of dirs) fs.rmSync(d, { recursive: true, force: true });
});

describe('resolveSecrets', () => {
  it('generates both secrets into DATA_DIR/secrets.json (mode 0600) and reads the same ones back', () => {
    const dataDir = tempDir();
    const config = loadConfig({ DATA_DIR: dataDir });
    const first = resolveSecrets(config);
    expect(first.file).toBe(secretsFile(config.dataDir));
    expect(fs.statSync(first.file!).mode & 0o777).toBe(0o600);
    const second = resolveSecrets(config);
    expect(second.authSecret.equals(first.authSecret)).toBe(true);
    expect(second.keyring.currentKeyId).toBe(first.keyring.currentKeyId);
    const v = first.keyring.encrypt('x', 'c');
    expect(second.keyring.decrypt(v, 'c')).toBe('x');
  });

  it('uses the environment when both are set, writing no file', () => {
    const dataDir = tempDir();
    const key = crypto.randomBytes(32);
    const s = resolveSecrets(
      loadConfig({ DATA_DIR: dataDir, AUTH_SECRET: 'a'.repeat(40), ENCRYPTION_KEY: key.toString('hex') }),
    );
    expect(s.file).toBeUndefined();
    expect(s.authSecret.toString()).toBe('a'.repeat(40));
    expect(s.keyring.currentKeyId).toBe(Keyring.keyId(key));
    expect(fs.existsSync(path.join(dataDir, 'secrets.json'))).toBe(false);
  });

  it('takes several ENCRYPTION_KEY values: the first encrypts, the others decrypt (rotation)', () => {
    const oldKey = crypto.randomBytes(32);
    const newKey = crypto.randomBytes(32);
    const old = new Keyring([oldKey]).encrypt('kept', 'c');
    const s = resolveSecrets(
      loadConfig({
        DATA_DIR: tempDir(),
        AUTH_SECRET: 'b'.repeat(40),
        ENCRYPTION_KEY: `${newKey.toString('base64')},${oldKey.toString('base64url')}`,
      }),
    );
    expect(s.keyring.currentKeyId).toBe(Keyring.keyId(newKey));
    expect(s.keyring.decrypt(old, 'c')).toBe('kept');
  });

  it('fills in from the file what the environment leaves out', () => {
    const dataDir = tempDir();
    const generated = resolveSecrets(loadConfig({ DATA_DIR: dataDir }));
    const s = resolveSecrets(loadConfig({ DATA_DIR: dataDir, AUTH_SECRET: 'c'.repeat(40) }));
    expect(s.authSecret.toString()).toBe('c'.repeat(40));
    expect(s.keyring.currentKeyId).toBe(generated.keyring.currentKeyId);
  });

  it('refuses a damaged secrets file', () => {
    const dataDir = tempDir();
    fs.mkdirSync(dataDir, { recursive: true });
    fs.writeFileSync(
      path.join(dataDir, 'secrets.json'),
      JSON.stringify({ authSecret: 'x', encryptionKey: 'short' }),
    );
    expect(() => resolveSecrets(loadConfig({ DATA_DIR: dataDir }))).toThrow(/not a valid secrets file/);
  });
});
