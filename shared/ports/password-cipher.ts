import type { SecretContext } from '../domain/guidance-session';

/** Encrypts passwords bound to their owner (KMS in AWS, AES-256-GCM with the context as AAD locally). */
export interface PasswordCipher {
  encrypt(plain: string, context: SecretContext): Promise<Uint8Array>;
  decrypt(blob: Uint8Array, context: SecretContext): Promise<string>;
}
