import { GetSecretValueCommand, SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { mockClient } from 'aws-sdk-client-mock';
import { createWorkerHandler } from '../../functions/session-worker/app';
import { FetchBridgeClient } from '../../shared/adapters/fetch-bridge-client';
import { SecretsManagerSource } from '../../shared/adapters/secrets-manager-source';
import { lambdaContext } from '../../local/http-gateway';
import { guidanceEvent } from '../fixtures/sqs';
import { ALICE, COMPANY, createWorld, workerDeps, type World } from '../fixtures/world';

// The dead letter's reason is what an operator acts on: it must name the real cause, through the
// real secret source and Bridge client, not the class of whatever error carried it.
const secretsManager = mockClient(SecretsManagerClient);
let world: World;
let bridgeCalls: number;

function bridgeReadingSecret(secretId: string): FetchBridgeClient {
  return new FetchBridgeClient({
    baseUrl: 'https://bridge.example.test',
    credentials: new SecretsManagerSource(new SecretsManagerClient({ region: 'eu-west-1' }), { bridgeCredentialsSecretId: secretId }),
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
  secretsManager.reset();
  bridgeCalls = 0;
  world = await createWorld();
  await world.register(ALICE);
});
afterEach(() => world.stop());

describe('the worker’s dead-letter reasons name the real cause', () => {
  it('Secrets Manager failing on every receive: retries_exhausted:bridge_credentials_unavailable, Bridge never called', async () => {
    secretsManager.on(GetSecretValueCommand).rejects(Object.assign(new Error('Rate exceeded'), { name: 'ThrottlingException', $metadata: {} }));

    expect(await deadLetterReasonsFor('credentials-throttled')).toEqual(['retries_exhausted:bridge_credentials_unavailable']);
    expect(bridgeCalls).toBe(0);
  });

  it('a credentials secret that is not JSON: bridge_credentials_invalid once the receives are used', async () => {
    secretsManager.on(GetSecretValueCommand).resolves({ SecretString: 'placeholder' });

    expect(await deadLetterReasonsFor('credentials-placeholder')).toEqual(['bridge_credentials_invalid']);
    expect(bridgeCalls).toBe(0);
  });

  it('readable credentials and Bridge failing: the Bridge status, not the secret', async () => {
    secretsManager.on(GetSecretValueCommand).resolves({ SecretString: JSON.stringify({ clientId: 'id', clientSecret: 'secret' }) });

    expect(await deadLetterReasonsFor('credentials-good')).toEqual(['retries_exhausted:bridge_500']);
    expect(bridgeCalls).toBe(world.queue.maxReceiveCount);
  });
});
