import { LocalAesGcmCipher } from '../../shared/adapters/local-aes-cipher';
import { keys } from '../../shared/adapters/dynamo-keys';
import { loggedSecurityEvents } from '../../shared/adapters/logged-security-events';
import type { SecretContext } from '../../shared/domain/guidance-session';
import { processGuidanceEvent } from '../../shared/domain/process-guidance-event';
import { listGuidance, revealPassword, rotateSession, type RevealDeps } from '../../shared/domain/reveal-guidance';
import { registerUser } from '../../shared/domain/manage-users';
import type { UserProfile } from '../../shared/domain/user-profile';
import type { PasswordCipher } from '../../shared/ports/password-cipher';
import { FakeBridge } from '../fakes/fake-bridge';
import { InMemoryGuidanceStore } from '../fakes/in-memory-guidance-store';
import { InMemoryUserDirectory } from '../fakes/in-memory-user-directory';
import { ManualClock } from '../fakes/manual-clock';
import { RecordingMetrics } from '../fakes/recording-metrics';
import { LocalOutbox } from '../../local/outbox';
import { guidanceEvent } from '../fixtures/sqs';

const ALICE: UserProfile = { bridgeUserUuid: '11111111-1111-4111-8111-111111111111', appUserId: 'alice', countryCode: 'FR' };
const BOB: UserProfile = { bridgeUserUuid: '22222222-2222-4222-8222-222222222222', appUserId: 'bob', countryCode: 'FR' };
const COMPANY = '529196313';

/** Records every context a decrypt was asked with. */
class WatchedCipher implements PasswordCipher {
  readonly decrypted: SecretContext[] = [];
  constructor(private readonly inner: PasswordCipher) {}
  encrypt(plain: string, context: SecretContext) {
    return this.inner.encrypt(plain, context);
  }
  decrypt(blob: Uint8Array, context: SecretContext) {
    this.decrypted.push(context);
    return this.inner.decrypt(blob, context);
  }
}

async function world() {
  const store = new InMemoryGuidanceStore();
  const users = new InMemoryUserDirectory();
  const metrics = new RecordingMetrics();
  const lines: { message: string; fields: unknown }[] = [];
  const logger = { warn: (message: string, ...fields: unknown[]) => void lines.push({ message, fields: fields[0] }) };
  const cipher = new WatchedCipher(new LocalAesGcmCipher());
  const clock = new ManualClock();
  const bridge = new FakeBridge();
  const deps: RevealDeps = { store, users, bridge, cipher, clock, passwordTtlSeconds: 1800, security: loggedSecurityEvents(logger, metrics) };
  for (const profile of [ALICE, BOB]) {
    await registerUser(profile, { users, store });
    await processGuidanceEvent(guidanceEvent(profile.bridgeUserUuid, COMPANY, clock.now()), 'corr', { ...deps, notifier: new LocalOutbox() });
  }
  /** What an attacker with PutItem does: Alice's session item, unchanged, under Bob's key. */
  const copyAliceSessionToBob = () => {
    const alices = store.rawItem(keys.session('alice', COMPANY))!;
    store.plantItem({ ...alices, ...keys.session('bob', COMPANY) });
    return alices;
  };
  return { store, cipher, bridge, metrics, lines, deps, copyAliceSessionToBob };
}

describe('a session item copied into another user’s partition', () => {
  it('never gives Bob Alice’s password: Bob gets a fresh session of his own, Alice’s item and count are untouched', async () => {
    const { store, cipher, bridge, metrics, lines, deps, copyAliceSessionToBob } = await world();
    const alicesPassword = bridge.issued[0]!.password;
    const alicesItem = copyAliceSessionToBob();

    const revealed = await revealPassword('bob', COMPANY, deps);

    expect(revealed.password).not.toBe(alicesPassword);
    expect(revealed.sessionId).not.toBe(alicesItem.sessionId);
    expect(revealed.password).toBe(bridge.issued.at(-1)!.password);
    expect(bridge.requests.at(-1)!.bridgeUserUuid).toBe(BOB.bridgeUserUuid);
    expect(cipher.decrypted.filter((context) => context.session_id === alicesItem.sessionId)).toEqual([]);
    expect(store.rawItem(keys.session('alice', COMPANY))).toEqual(alicesItem);
    expect((await store.getSession('bob', COMPANY))!.appUserId).toBe('bob');
    expect(metrics.total('SessionKeyMismatch')).toBe(1);
    expect(lines).toEqual([
      {
        message: expect.any(String),
        fields: { security: { event: 'session_key_mismatch', appUserId: 'bob', company: COMPANY, sessionId: alicesItem.sessionId } },
      },
    ]);
    expect(JSON.stringify(lines)).not.toContain(alicesPassword);
    expect(JSON.stringify(lines)).not.toContain(String(alicesItem.url));
    // Alice still reveals her own password, counted once.
    expect((await revealPassword('alice', COMPANY, deps)).password).toBe(alicesPassword);
    expect((await store.getSession('alice', COMPANY))!.revealCount).toBe(1);
  });

  it('is never listed to Bob (its URL is Alice’s) and a rotation by Bob replaces it without touching Alice’s', async () => {
    const { store, metrics, deps, copyAliceSessionToBob } = await world();
    const alicesItem = copyAliceSessionToBob();

    const listed = await listGuidance('bob', deps);
    const rotated = await rotateSession('bob', COMPANY, deps);

    expect(listed).toEqual([{ companyIdentificationNumber: COMPANY, readyAt: expect.any(Number), session: null }]);
    expect(rotated.sessionId).not.toBe(alicesItem.sessionId);
    expect(store.rawItem(keys.session('alice', COMPANY))).toEqual(alicesItem);
    expect(metrics.total('SessionKeyMismatch')).toBe(2);
  });

  it('decrypts with the caller’s context, so a ciphertext moved under a forged owner attribute cannot be read either', async () => {
    const { store, cipher, bridge, deps } = await world();
    const alices = store.rawItem(keys.session('alice', COMPANY))!;
    // The attacker also rewrites the owner attribute to Bob's: the item now agrees with its key.
    store.plantItem({ ...alices, ...keys.session('bob', COMPANY), appUserId: 'bob' });

    const revealed = await revealPassword('bob', COMPANY, deps);

    expect(revealed.password).not.toBe(bridge.issued[0]!.password);
    expect(cipher.decrypted.at(0)).toEqual({ app_user_id: 'bob', company_identification_number: COMPANY, session_id: alices.sessionId });
    expect(store.rawItem(keys.session('alice', COMPANY))).toEqual(alices);
  });
});
