import { LocalAesGcmCipher } from '../../shared/adapters/local-aes-cipher';
import { UndecryptableSecret } from '../../shared/ports/password-cipher';

const context = { app_user_id: 'alice', company_identification_number: '529196313', session_id: 's-1' };

describe('LocalAesGcmCipher', () => {
  const cipher = new LocalAesGcmCipher();

  it('round-trips a password and never stores it in clear', async () => {
    const blob = await cipher.encrypt('correct horse', context);

    expect(Buffer.from(blob).includes(Buffer.from('correct horse'))).toBe(false);
    expect(await cipher.decrypt(blob, context)).toBe('correct horse');
  });

  it('ignores the order of context keys, as KMS does', async () => {
    const blob = await cipher.encrypt('pw', context);
    const reordered = { session_id: 's-1', company_identification_number: '529196313', app_user_id: 'alice' };

    expect(await cipher.decrypt(blob, reordered)).toBe('pw');
  });

  it.each([
    ['another user', { ...context, app_user_id: 'bob' }],
    ['another company', { ...context, company_identification_number: '111111111' }],
    ['another session', { ...context, session_id: 's-2' }],
  ])('refuses to decrypt with %s in the context', async (_label, wrong) => {
    const blob = await cipher.encrypt('pw', context);

    await expect(cipher.decrypt(blob, wrong)).rejects.toThrow();
  });

  it('refuses a tampered or truncated ciphertext and another key', async () => {
    const blob = Buffer.from(await cipher.encrypt('pw', context));
    const tampered = Buffer.from(blob);
    tampered[tampered.length - 1] = (tampered[tampered.length - 1] ?? 0) ^ 1;

    // As KMS's InvalidCiphertextException: no retry can help, so the reveal replaces the session.
    await expect(cipher.decrypt(tampered, context)).rejects.toBeInstanceOf(UndecryptableSecret);
    await expect(cipher.decrypt(blob.subarray(0, 10), context)).rejects.toThrow('malformed');
    await expect(cipher.decrypt(blob.subarray(0, 10), context)).rejects.toBeInstanceOf(UndecryptableSecret);
    await expect(new LocalAesGcmCipher().decrypt(blob, context)).rejects.toBeInstanceOf(UndecryptableSecret);
  });
});
