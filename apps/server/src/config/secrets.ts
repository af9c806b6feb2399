/**
 * The server's secrets: AUTH_SECRET (signs cookies) and ENCRYPTION_KEY (AES-256-GCM keys for
 * data at rest). Either may come from the environment; whatever is missing is generated once and
 * kept in DATA_DIR/secrets.json (mode 0600), so `npm start` needs no setup and restarts keep
 * the same keys. Several servers sharing one PostgreSQL database must be given the same values
 * in the environment (docs/operations.md).
 */
import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { Keyring } from '../security/encryption.ts';
import { decodeKey, type Config } from './config.ts';

/** The resolved secrets. */
export interface Secrets {
  /** Cookie-signing key (bytes of AUTH_SECRET, or generated: 32 random bytes). */
  authSecret: Buffer;
  /** AES-256 keys; the first encrypts. */
  keyring: Keyring;
  /** The file the generated values were read from or written to, when one was used. */
  file: string | undefined;
}

/** Shape of DATA_DIR/secrets.json. */
interface SecretsFile {
  authSecret: string;
  encryptionKey: string;
  createdAt: string;
}

/** Where generated secrets live. */
export function secretsFile(dataDir: string): string {
  return path.join(dataDir, 'secrets.json');
}

/**
 * Resolves the secrets from the configuration, reading or creating DATA_DIR/secrets.json for
 * the ones the environment does not set.
 * @throws Error when secrets.json exists but cannot be read or holds an invalid key.
 */
export function resolveSecrets(config: Pick<Config, 'authSecret' | 'encryptionKeys' | 'dataDir'>): Secrets {
  const fromEnvKeys = config.encryptionKeys?.map((k) => decodeKey(k)!);
  if (config.authSecret && fromEnvKeys)
    return {
      authSecret: Buffer.from(config.authSecret, 'utf8'),
      keyring: new Keyring(fromEnvKeys),
      file: undefined,
    };
  const file = secretsFile(config.dataDir);
  let stored: SecretsFile;
  if (fs.existsSync(file)) {
    stored = JSON.parse(fs.readFileSync(file, 'utf8')) as SecretsFile;
    if (!stored.authSecret || !decodeKey(stored.encryptionKey ?? ''))
      throw new Error(`${file} is not a valid secrets file (authSecret and a 32-byte encryptionKey)`);
  } else {
    stored = {
      authSecret: crypto.randomBytes(32).toString('base64url'),
      encryptionKey: crypto.randomBytes(32).toString('base64'),
      createdAt: new Date().toISOString(),
    };
    fs.mkdirSync(config.dataDir, { recursive: true });
    // "wx": if another process created it meanwhile, fail and read theirs instead.
    try {
      fs.writeFileSync(file, `${JSON.stringify(stored, null, 2)}\n`, { mode: 0o600, flag: 'wx' });
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
      stored = JSON.parse(fs.readFileSync(file, 'utf8')) as SecretsFile;
    }
  }
  return {
    authSecret: Buffer.from(config.authSecret ?? stored.authSecret, 'utf8'),
    keyring: new Keyring(fromEnvKeys ?? [decodeKey(stored.encryptionKey)!]),
    file,
  };
}
