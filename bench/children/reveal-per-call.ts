import { createHmac } from 'node:crypto';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { KMSClient } from '@aws-sdk/client-kms';
import { GetCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { marshall } from '@aws-sdk/util-dynamodb';
import type { APIGatewayProxyEventV2, APIGatewayProxyEventV2WithJWTAuthorizer } from 'aws-lambda';
import { createRevealHandler } from '../../functions/reveal-api/app';
import { callerOf } from '../../shared/http/request';
import { keys } from '../../shared/adapters/dynamo-keys';
import { DynamoGuidanceStore } from '../../shared/adapters/dynamo-guidance-store';
import { DynamoUserDirectory } from '../../shared/adapters/dynamo-user-directory';
import { KmsPasswordCipher } from '../../shared/adapters/kms-password-cipher';
import { documentClient } from '../../shared/aws/clients';
import { logger } from '../../shared/observability';
import { systemClock } from '../../shared/ports/clock';
import { guidanceReadyBody, httpApiEvent, lambdaContext } from '../../test/fixtures/api-gateway';
import { alternateBatches, type BatchPlan } from '../lib/alternate';
import { cannedHttpHandler, operationOf, STATIC_CREDENTIALS, type CannedRequest } from '../lib/canned-http';
import { childConfig, runMain } from '../lib/child';

/**
 * Per-call CPU of `POST /guidance/{company}/reveal` for a live session (GetItem guidance,
 * GetItem session, KMS Decrypt, UpdateItem count, one audit line) against the webhook floor.
 * Modes:
 * - `send`: the DocumentClient's and the KMSClient's `send` answer canned results. (Stubbing the inner
 *   DynamoDBClient's `send` intercepts nothing: DynamoDBDocumentClient.send runs the inner client's
 *   middleware stack itself, without calling its `send`.)
 * - `sdk`: DynamoDBClient and KMSClient run their whole stacks (DocumentClient marshalling,
 *   serialisation, SigV4, parsing) over canned GetItem/UpdateItem/Decrypt HTTP answers.
 */
export type RevealMode = 'send' | 'sdk';
export interface RevealPerCallConfig extends BatchPlan {
  readonly mode: RevealMode;
}

const TABLE = 'guidance-relay';
const KEY_ARN = 'arn:aws:kms:eu-west-1:123456789012:key/00000000-0000-4000-8000-000000000000';
const COMPANY = '529196313';
const PASSWORD = 'pw-benchmark-0123456789';
const FLOOR_SECRET = 'whsec_benchmark_c0ffee';

function cannedItems(now: number) {
  const guidance = {
    ...keys.guidance('alice', COMPANY),
    kind: 'guidance',
    appUserId: 'alice',
    company: COMPANY,
    bridgeUserUuid: '11111111-1111-4111-8111-111111111111',
    eventKey: 'a'.repeat(64),
    eventTimestamp: now - 60_000,
    readyAt: now - 60_000,
    notifiedEventKey: 'a'.repeat(64),
  };
  const session = {
    ...keys.session('alice', COMPANY),
    kind: 'session',
    appUserId: 'alice',
    company: COMPANY,
    sessionId: '7d1c0a7e-2b9f-4d4e-9a53-3c8f5b0e6a11',
    url: 'https://guidance.bridgeapi.io/7d1c0a7e-2b9f-4d4e-9a53-3c8f5b0e6a11?token=0123456789abcdef',
    ciphertext: new Uint8Array(Buffer.alloc(184, 7)), // the size of a KMS ciphertext of a short password
    createdAt: now - 30_000,
    expiresAt: now + 1_800_000,
    revealCount: 3,
    eventTimestamp: now - 60_000,
    eventKey: 'a'.repeat(64),
    ttl: Math.ceil((now + 1_800_000) / 1000),
  };
  return { guidance, session };
}

function clients(mode: RevealMode, now: number, counter: { dynamo: number; kms: number }) {
  const items = cannedItems(now);
  if (mode === 'send') {
    const db = documentClient(new DynamoDBClient({ region: 'eu-west-1', credentials: STATIC_CREDENTIALS }));
    Object.defineProperty(db, 'send', {
      value: async (command: unknown) => {
        counter.dynamo += 1;
        if (command instanceof GetCommand) {
          const sk = String(command.input.Key?.sk);
          return { Item: sk.startsWith('SESSION#') ? { ...items.session } : { ...items.guidance } };
        }
        if (command instanceof UpdateCommand) return { Attributes: { revealCount: items.session.revealCount + 1 } };
        throw new Error('Unexpected DynamoDB command.');
      },
    });
    const kms = new KMSClient({ region: 'eu-west-1', credentials: STATIC_CREDENTIALS, cacheMiddleware: true });
    Object.defineProperty(kms, 'send', {
      value: async () => ((counter.kms += 1), { KeyId: KEY_ARN, Plaintext: new Uint8Array(Buffer.from(PASSWORD)), EncryptionAlgorithm: 'SYMMETRIC_DEFAULT' }),
    });
    return { db, kms };
  }
  const wire = { guidance: JSON.stringify({ Item: marshall(items.guidance) }), session: JSON.stringify({ Item: marshall(items.session) }) };
  const dynamoAnswer = (request: CannedRequest) => {
    counter.dynamo += 1;
    const operation = operationOf(request);
    if (operation === 'GetItem') {
      const { Key } = JSON.parse(request.body) as { Key: { sk: { S: string } } };
      return { body: Key.sk.S.startsWith('SESSION#') ? wire.session : wire.guidance };
    }
    if (operation === 'UpdateItem') return { body: JSON.stringify({ Attributes: { revealCount: { N: String(items.session.revealCount + 1) } } }) };
    throw new Error(`Unexpected DynamoDB operation ${operation}.`);
  };
  const kmsAnswer = () => {
    counter.kms += 1;
    return { body: JSON.stringify({ KeyId: KEY_ARN, Plaintext: Buffer.from(PASSWORD).toString('base64'), EncryptionAlgorithm: 'SYMMETRIC_DEFAULT' }) };
  };
  // cacheMiddleware stays off for DynamoDB: lib-dynamodb refuses a client that has it (see the report).
  const db = documentClient(new DynamoDBClient({ region: 'eu-west-1', credentials: STATIC_CREDENTIALS, requestHandler: cannedHttpHandler(dynamoAnswer) }));
  const kms = new KMSClient({ region: 'eu-west-1', credentials: STATIC_CREDENTIALS, cacheMiddleware: true, requestHandler: cannedHttpHandler(kmsAnswer) });
  return { db, kms };
}

runMain(async () => {
  const config = childConfig<RevealPerCallConfig>();
  const now = Date.now();
  const counter = { dynamo: 0, kms: 0 };
  const { db, kms } = clients(config.mode, now, counter);
  const handler = createRevealHandler({
    authenticate: async (event) => callerOf(event), // per-call cost behind authentication
    users: new DynamoUserDirectory(db, TABLE),
    store: new DynamoGuidanceStore(db, TABLE, `${TABLE}-sessions`),
    bridge: { createGuidanceSession: async () => Promise.reject(new Error('A live session needs no Bridge call.')) },
    cipher: new KmsPasswordCipher(kms, KEY_ARN),
    clock: systemClock,
    passwordTtlSeconds: 1800,
    logger,
  });
  const base = httpApiEvent({ method: 'POST', path: `/guidance/${COMPANY}/reveal`, routeKey: 'POST /guidance/{company_identification_number}/reveal' });
  const withJwt: APIGatewayProxyEventV2WithJWTAuthorizer = {
    ...base,
    pathParameters: { company_identification_number: COMPANY },
    requestContext: { ...base.requestContext, authorizer: { principalId: '', integrationLatency: 0, jwt: { claims: { sub: 'alice' }, scopes: [] } } },
  };
  const event = withJwt as APIGatewayProxyEventV2;
  const context = lambdaContext('reveal-api');

  const first = await handler(event, context);
  if (first.statusCode !== 200 || (JSON.parse(first.body ?? '{}') as { password?: string }).password !== PASSWORD) {
    throw new Error(`The reveal did not answer the password: ${JSON.stringify(first)}`);
  }
  if (counter.dynamo !== 3 || counter.kms !== 1) throw new Error(`Expected 3 DynamoDB calls and 1 KMS call, saw ${counter.dynamo} and ${counter.kms}.`);

  const floorBody = guidanceReadyBody({ timestamp: now });
  const floorBytes = Buffer.from(floorBody, 'utf8');
  const floor = () => createHmac('sha256', FLOOR_SECRET).update(floorBytes).digest().length + (JSON.parse(floorBody) as { timestamp: number }).timestamp;
  const result = await alternateBatches(() => handler(event, context), floor, config);
  return { ...result, logLevel: process.env.POWERTOOLS_LOG_LEVEL ?? 'INFO' };
});
