import { DecryptCommand, EncryptCommand, KMSClient } from '@aws-sdk/client-kms';
import { mockClient } from 'aws-sdk-client-mock';
import { KmsPasswordCipher } from '../../shared/adapters/kms-password-cipher';
import { LocalAesGcmCipher } from '../../shared/adapters/local-aes-cipher';
import { UndecryptableSecret } from '../../shared/ports/password-cipher';

// Edges of the two ciphers a password goes through: what a failure looks like to the reveal
// (retry or replace) and the exact bytes the local cipher authenticates.
const context = { app_user_id: 'alice', company_identification_number: '529196313', session_id: 's-1' };

describe('KmsPasswordCipher failures', () => {
  const kms = mockClient(KMSClient);
  const errors: string[] = [];
  const cipher = () => new KmsPasswordCipher(new KMSClient({ region: 'eu-west-1' }), 'arn:key', (operation) => void errors.push(operation));
  beforeEach(() => {
    kms.reset();
    errors.length = 0;
  });
  const kmsError = (name: string) => Object.assign(new Error(name), { name });

  it('passes an Encrypt failure on, as it is, and reports it', async () => {
    const throttled = kmsError('ThrottlingException');
    kms.on(EncryptCommand).rejects(throttled);

    await expect(cipher().encrypt('pw', context)).rejects.toBe(throttled);
    expect(errors).toEqual(['Encrypt']);
  });

  it('refuses an answer without ciphertext or plaintext instead of storing or returning nothing', async () => {
    kms.on(EncryptCommand).resolves({}).on(DecryptCommand).resolves({});

    await expect(cipher().encrypt('pw', context)).rejects.toThrow('KMS returned no ciphertext.');
    await expect(cipher().decrypt(new Uint8Array([1]), context)).rejects.toThrow('KMS returned no plaintext.');
  });

  it('keeps a throttled Decrypt retryable (not undecryptable), and an undecryptable one with its cause', async () => {
    const throttled = kmsError('ThrottlingException');
    const invalid = kmsError('InvalidCiphertextException');
    kms.on(DecryptCommand).rejectsOnce(throttled).rejectsOnce(invalid);

    const first = await cipher().decrypt(new Uint8Array([1]), context).catch((e: unknown) => e);
    const second = await cipher().decrypt(new Uint8Array([1]), context).catch((e: unknown) => e);

    expect(first).toBe(throttled);
    expect(first).not.toBeInstanceOf(UndecryptableSecret);
    expect(second).toBeInstanceOf(UndecryptableSecret);
    expect((second as Error).cause).toBe(invalid);
  });
});

describe('LocalAesGcmCipher format', () => {
  const key = Buffer.alloc(32, 7);

  it('decrypts a ciphertext made by this format (version 1, context as sorted AAD)', async () => {
    const known = Buffer.from('01b953e389a00a7a5fed49ac7f5c91ceed7eebb05558a71eef350f9a0153b8f1a7da4f64e4', 'hex');

    expect(await new LocalAesGcmCipher(key).decrypt(known, context)).toBe('pw-known');
  });

  it('round-trips an empty password (a ciphertext of the header alone)', async () => {
    const cipher = new LocalAesGcmCipher(key);
    const blob = await cipher.encrypt('', context);

    expect(blob).toHaveLength(29);
    expect(await cipher.decrypt(blob, context)).toBe('');
  });

  it('refuses another format version as malformed, before trying it', async () => {
    const cipher = new LocalAesGcmCipher(key);
    const blob = Buffer.from(await cipher.encrypt('pw', context));
    blob[0] = 2;

    await expect(cipher.decrypt(blob, context)).rejects.toThrow('Ciphertext is malformed.');
  });

  it('says why a ciphertext does not authenticate, keeping the cause', async () => {
    const blob = await new LocalAesGcmCipher(key).encrypt('pw', context);

    const error = await new LocalAesGcmCipher(Buffer.alloc(32, 8)).decrypt(blob, context).catch((e: unknown) => e);

    expect(error).toBeInstanceOf(UndecryptableSecret);
    expect((error as Error).cause).toEqual(expect.objectContaining({ message: expect.any(String) }));
  });

  it('refuses a key that is not 256 bits', () => {
    expect(() => new LocalAesGcmCipher(Buffer.alloc(16))).toThrow('256-bit key');
  });
});
