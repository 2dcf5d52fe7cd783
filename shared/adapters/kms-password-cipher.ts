import { DecryptCommand, EncryptCommand, type KMSClient } from '@aws-sdk/client-kms';
import type { SecretContext } from '../domain/guidance-session';
import { UndecryptableSecret, type PasswordCipher } from '../ports/password-cipher';

/** KMS's answers for a ciphertext that no retry can decrypt. */
const UNDECRYPTABLE = new Set(['InvalidCiphertextException', 'IncorrectKeyException']);

/** KMS symmetric key (AES-256-GCM inside KMS); the context binds each ciphertext to its owner. */
export class KmsPasswordCipher implements PasswordCipher {
  constructor(
    private readonly kms: KMSClient,
    private readonly keyId: string,
    /** Told of each failed KMS call, for the KMS-errors alarm. */
    private readonly onError: (operation: 'Encrypt' | 'Decrypt') => void = () => undefined,
  ) {}

  async encrypt(plain: string, context: SecretContext): Promise<Uint8Array> {
    const { CiphertextBlob } = await this.kms
      .send(new EncryptCommand({ KeyId: this.keyId, Plaintext: Buffer.from(plain, 'utf8'), EncryptionContext: { ...context } }))
      .catch((error: unknown) => this.failed('Encrypt', error));
    if (!CiphertextBlob) throw new Error('KMS returned no ciphertext.');
    return CiphertextBlob;
  }

  async decrypt(blob: Uint8Array, context: SecretContext): Promise<string> {
    const { Plaintext } = await this.kms
      // KeyId pins the key: a ciphertext from any other key is refused.
      .send(new DecryptCommand({ KeyId: this.keyId, CiphertextBlob: blob, EncryptionContext: { ...context } }))
      .catch((error: unknown) => {
        const name = (error as { name?: unknown } | null)?.name;
        return this.failed('Decrypt', typeof name === 'string' && UNDECRYPTABLE.has(name) ? new UndecryptableSecret(name, { cause: error }) : error);
      });
    if (!Plaintext) throw new Error('KMS returned no plaintext.');
    return Buffer.from(Plaintext).toString('utf8');
  }

  private failed(operation: 'Encrypt' | 'Decrypt', error: unknown): never {
    this.onError(operation);
    throw error;
  }
}
