import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';
import type { SecretContext } from '../domain/guidance-session';
import { UndecryptableSecret, type PasswordCipher } from '../ports/password-cipher';

const IV_BYTES = 12;
const TAG_BYTES = 16;
const VERSION = 1;

/**
 * The laptop stand-in for KMS: AES-256-GCM with the encryption context as additional
 * authenticated data, so a ciphertext moved to another user's item fails exactly as with KMS.
 * Layout: version (1) | iv (12) | tag (16) | ciphertext.
 */
export class LocalAesGcmCipher implements PasswordCipher {
  private readonly key: Buffer;

  constructor(key: Buffer = randomBytes(32)) {
    if (key.length !== 32) throw new Error('LocalAesGcmCipher needs a 256-bit key.');
    this.key = key;
  }

  async encrypt(plain: string, context: SecretContext): Promise<Uint8Array> {
    const iv = randomBytes(IV_BYTES);
    const cipher = createCipheriv('aes-256-gcm', this.key, iv);
    cipher.setAAD(canonicalContext(context));
    const body = Buffer.concat([cipher.update(plain, 'utf8'), cipher.final()]);
    return Buffer.concat([Buffer.from([VERSION]), iv, cipher.getAuthTag(), body]);
  }

  async decrypt(blob: Uint8Array, context: SecretContext): Promise<string> {
    const bytes = Buffer.from(blob);
    if (bytes.length < 1 + IV_BYTES + TAG_BYTES || bytes[0] !== VERSION) {
      throw new UndecryptableSecret('Ciphertext is malformed.');
    }
    const iv = bytes.subarray(1, 1 + IV_BYTES);
    const tag = bytes.subarray(1 + IV_BYTES, 1 + IV_BYTES + TAG_BYTES);
    const decipher = createDecipheriv('aes-256-gcm', this.key, iv);
    decipher.setAAD(canonicalContext(context));
    decipher.setAuthTag(tag);
    try {
      return Buffer.concat([decipher.update(bytes.subarray(1 + IV_BYTES + TAG_BYTES)), decipher.final()]).toString('utf8');
    } catch (error) {
      throw new UndecryptableSecret('Ciphertext does not authenticate under this key and context.', { cause: error });
    }
  }
}

/** Key order must not matter, as with KMS. */
function canonicalContext(context: SecretContext): Buffer {
  const entries = Object.entries(context).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  return Buffer.from(JSON.stringify(entries), 'utf8');
}
