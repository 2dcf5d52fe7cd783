import type { SecretContext } from '../domain/guidance-session';

/**
 * This ciphertext can never be decrypted with this key and context (corrupt, another key, another
 * owner): retrying cannot help, unlike a throttled or unavailable key service.
 */
export class UndecryptableSecret extends Error {
  override readonly name = 'UndecryptableSecret'; // explicit: bundles are minified
}

/** Encrypts passwords bound to their owner (KMS in AWS, AES-256-GCM with the context as AAD locally). */
export interface PasswordCipher {
  encrypt(plain: string, context: SecretContext): Promise<Uint8Array>;
  decrypt(blob: Uint8Array, context: SecretContext): Promise<string>;
}
