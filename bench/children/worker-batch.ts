import type { SQSEvent } from 'aws-lambda';
import { createWorkerHandler } from '../../functions/session-worker/app';
import { DynamoGuidanceStore } from '../../shared/adapters/dynamo-guidance-store';
import { DynamoUserDirectory } from '../../shared/adapters/dynamo-user-directory';
import { recordBridgeAttempt } from '../../shared/adapters/bridge-metrics';
import { BRIDGE_VERSION, DEFAULT_GUIDANCE_SESSIONS_PATH, FetchBridgeClient } from '../../shared/adapters/fetch-bridge-client';
import { LocalAesGcmCipher } from '../../shared/adapters/local-aes-cipher';
import { documentClient } from '../../shared/aws/clients';
import type { UserProfile } from '../../shared/domain/user-profile';
import { logger, metricsSink } from '../../shared/observability';
import { systemClock } from '../../shared/ports/clock';
import type { GuidanceStore } from '../../shared/ports/guidance-store';
import type { UserDirectory } from '../../shared/ports/user-directory';
import { startLocalDynamo } from '../../local/dynamo';
import { lambdaContext } from '../../local/http-gateway';
import { LocalOutbox } from '../../local/outbox';
import { InMemoryGuidanceStore } from '../../test/fakes/in-memory-guidance-store';
import { InMemoryUserDirectory } from '../../test/fakes/in-memory-user-directory';
import { guidanceEvent, sqsEvent, sqsRecord } from '../../test/fixtures/sqs';
import { startBridgeServer } from '../lib/bridge-server';
import { cpuMicrosSince, median } from '../lib/stats';
import { childConfig, runMain } from '../lib/child';

/**
 * Wall time of one SQS batch of 10 new guidance events through createWorkerHandler, against one
 * bare round trip to the same Bridge simulator (real HTTP, fixed latency, in its own process as
 * Bridge is another machine), alternated round by round. Storage is the in-memory fakes (`memory`) or the DynamoDB adapters on dynalite (`dynalite`);
 * the cipher is the local AES-GCM one and the notifier the local outbox in both. Logs (INFO) and
 * metrics (Powertools EMF, including the Bridge-attempt metrics) are wired as handler.ts wires them.
 */
export interface WorkerBatchConfig {
  readonly storage: 'memory' | 'dynalite';
  readonly rounds: number;
  readonly batchSize: number;
  readonly latencyMs: number;
}

export interface WorkerBatchRound {
  readonly roundTripMs: number;
  readonly batchMs: number;
  readonly batchCpuMs: number;
  readonly ratio: number;
}

const CLIENT = { clientId: 'bench-client', clientSecret: 'bench-secret' };
const COMPANY = '529196313';

function profiles(count: number): UserProfile[] {
  return Array.from({ length: count }, (_, index) => ({
    bridgeUserUuid: `00000000-0000-4000-8000-${String(index).padStart(12, '0')}`,
    appUserId: `bench-user-${index}`,
    countryCode: 'FR',
    contactEmail: `user${index}@example.com`,
  }));
}

async function storage(kind: WorkerBatchConfig['storage']) {
  if (kind === 'memory') {
    return { users: new InMemoryUserDirectory() as UserDirectory, store: new InMemoryGuidanceStore() as GuidanceStore, stop: async () => undefined };
  }
  const dynamo = await startLocalDynamo();
  const db = documentClient(dynamo.client);
  return {
    users: new DynamoUserDirectory(db, dynamo.tableName) as UserDirectory,
    store: new DynamoGuidanceStore(db, dynamo.tableName, dynamo.sessionTableName) as GuidanceStore,
    stop: () => dynamo.stop(),
  };
}

runMain(async () => {
  const config = childConfig<WorkerBatchConfig>();
  const users = profiles(config.batchSize);
  const simulator = await startBridgeServer({ ...CLIENT, knownUsers: users.map((user) => user.bridgeUserUuid), latencyMs: config.latencyMs });
  const baseUrl = simulator.url;
  const ports = await storage(config.storage);
  for (const user of users) await ports.users.putProfile(user);
  const outbox = new LocalOutbox();
  const deadLetters: string[] = [];
  const worker = createWorkerHandler({
    users: ports.users,
    store: ports.store,
    bridge: new FetchBridgeClient({ baseUrl, sessionOrigins: [new URL(baseUrl).origin], credentials: { bridgeCredentials: async () => CLIENT }, onAttempt: recordBridgeAttempt(metricsSink) }),
    cipher: new LocalAesGcmCipher(),
    clock: systemClock,
    notifier: outbox,
    deadLetters: { deadLetter: async (_body, reason) => void deadLetters.push(reason) },
    passwordTtlSeconds: 1800,
    maxReceiveCount: 5,
    logger,
    metrics: metricsSink,
  });

  // One bare round trip: the request FetchBridgeClient sends, answered after the simulator's latency.
  const roundTrip = async (): Promise<number> => {
    const started = performance.now();
    const response = await fetch(new URL(DEFAULT_GUIDANCE_SESSIONS_PATH, baseUrl), {
      method: 'POST',
      headers: { 'Client-Id': CLIENT.clientId, 'Client-Secret': CLIENT.clientSecret, 'Bridge-Version': BRIDGE_VERSION, 'Content-Type': 'application/json', Accept: 'application/json' },
      body: JSON.stringify({ user_uuid: users[0]?.bridgeUserUuid, country_code: 'FR', company_identification_number: COMPANY }),
    });
    const answer = (await response.json()) as { password?: string };
    if (!response.ok || !answer.password) throw new Error(`The simulator answered ${response.status}.`);
    return performance.now() - started;
  };

  let timestamp = Date.now() - 60_000;
  const batch = async (): Promise<{ wallMs: number; cpuMs: number }> => {
    timestamp += 1;
    const event: SQSEvent = sqsEvent(...users.map((user) => sqsRecord(JSON.stringify(guidanceEvent(user.bridgeUserUuid, COMPANY, timestamp)))));
    const published = outbox.entries.length;
    const cpu = process.cpuUsage();
    const started = performance.now();
    const response = await worker(event, lambdaContext('session-worker', 30_000));
    const wallMs = performance.now() - started;
    const cpuMs = cpuMicrosSince(cpu) / 1000;
    if (response.batchItemFailures.length > 0 || outbox.entries.length - published !== users.length || deadLetters.length > 0) {
      throw new Error(`The batch did not notify every event: ${JSON.stringify(response)}, dead letters ${deadLetters.join(', ')}.`);
    }
    return { wallMs, cpuMs };
  };

  await roundTrip(); // connections and JIT
  await batch();
  const rounds: WorkerBatchRound[] = [];
  for (let round = 0; round < config.rounds; round += 1) {
    let roundTripMs: number;
    let measured: { wallMs: number; cpuMs: number };
    if (round % 2 === 0) {
      roundTripMs = await roundTrip();
      measured = await batch();
    } else {
      measured = await batch();
      roundTripMs = await roundTrip();
    }
    rounds.push({ roundTripMs, batchMs: measured.wallMs, batchCpuMs: measured.cpuMs, ratio: measured.wallMs / roundTripMs });
  }
  await ports.stop();
  await simulator.stop();
  return {
    storage: config.storage,
    rounds,
    ratio: median(rounds.map((round) => round.ratio)),
    roundTripMs: median(rounds.map((round) => round.roundTripMs)),
    batchMs: median(rounds.map((round) => round.batchMs)),
    batchCpuMs: median(rounds.map((round) => round.batchCpuMs)),
  };
});
