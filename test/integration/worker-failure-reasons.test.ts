import { createWorkerHandler } from '../../functions/session-worker/app';
import { FetchBridgeClient } from '../../shared/adapters/fetch-bridge-client';
import { SecretsExtensionSource } from '../../shared/adapters/secrets-extension-source';
import { lambdaContext } from '../../local/http-gateway';
import { guidanceEvent } from '../fixtures/sqs';
import { ALICE, COMPANY, createWorld, workerDeps, type World } from '../fixtures/world';
import { FakeSecretsExtension } from '../fakes/secrets-extension';

// The dead letter's reason is what an operator acts on: it must name the real cause, through the
// real secret source (over HTTP to the extension's interface) and Bridge client, not the class of
// whatever error carried it.
let extension: FakeSecretsExtension;
let extensionPort: number;
let world: World;
let bridgeCalls: number;

function bridgeReadingSecret(secretId: string): FetchBridgeClient {
  return new FetchBridgeClient({
    baseUrl: 'https://bridge.example.test',
    credentials: new SecretsExtensionSource({ bridgeCredentialsSecretId: secretId }, { host: '127.0.0.1', port: extensionPort, sessionToken: () => extension.sessionToken }),
    retry: { maxAttempts: 1, baseDelayMs: 1, maxDelayMs: 1, maxRetryAfterMs: 1 },
    fetch: async () => {
      bridgeCalls += 1;
      return new Response('{}', { status: 500 });
    },
  });
}

async function deadLetterReasonsFor(secretId: string): Promise<string[]> {
  const handler = createWorkerHandler(workerDeps(world, { bridge: bridgeReadingSecret(secretId) }));
  world.queue.start((event) => handler(event, lambdaContext('session-worker', 30_000)));
  world.queue.send(JSON.stringify(guidanceEvent(ALICE.bridgeUserUuid, COMPANY, world.clock.now())), 'corr');
  await world.queue.drained(20_000);
  await world.queue.stop();
  return world.queue.deadLetters.map((letter) => letter.reason);
}

beforeEach(async () => {
  extension = new FakeSecretsExtension();
  extensionPort = await extension.start();
  bridgeCalls = 0;
  world = await createWorld();
  await world.register(ALICE);
});
afterEach(async () => {
  await world.stop();
  await extension.stop();
});

describe('the worker’s dead-letter reasons name the real cause', () => {
  it('Secrets Manager failing on every receive: retries_exhausted:bridge_credentials_unavailable, Bridge never called', async () => {
    extension.answer('credentials-throttled', { status: 400, body: '{"message":"ThrottlingException: Rate exceeded"}' });

    expect(await deadLetterReasonsFor('credentials-throttled')).toEqual(['retries_exhausted:bridge_credentials_unavailable']);
    expect(bridgeCalls).toBe(0);
  });

  it('a credentials secret that is not JSON: bridge_credentials_invalid once the receives are used', async () => {
    extension.answer('credentials-placeholder', { secretString: 'placeholder' });

    expect(await deadLetterReasonsFor('credentials-placeholder')).toEqual(['bridge_credentials_invalid']);
    expect(bridgeCalls).toBe(0);
  });

  it('readable credentials and Bridge failing: the Bridge status, not the secret', async () => {
    extension.answer('credentials-good', { secretString: JSON.stringify({ clientId: 'id', clientSecret: 'secret' }) });

    expect(await deadLetterReasonsFor('credentials-good')).toEqual(['retries_exhausted:bridge_500']);
    expect(bridgeCalls).toBe(world.queue.maxReceiveCount);
  });
});
