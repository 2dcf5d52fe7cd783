import { createHash, createHmac } from 'node:crypto';
import middy from '@middy/core';
import { SQSClient } from '@aws-sdk/client-sqs';
import type { APIGatewayProxyEventV2, Context } from 'aws-lambda';
import { createWebhookHandler } from '../../functions/bridge-webhook/app';
import { SqsEventQueue } from '../../shared/adapters/sqs-event-queue';
import { acceptWebhook } from '../../shared/domain/accept-webhook';
import { guidanceWebhookSchema, toGuidanceEvent } from '../../shared/domain/guidance-event';
import { check } from '../../shared/domain/validation';
import { isSignedByAny, signBody } from '../../shared/domain/webhook-signature';
import { header, rawBody } from '../../shared/http/request';
import { logger, metricsSink } from '../../shared/observability';
import { guidanceReadyBody, httpApiEvent, lambdaContext } from '../../test/fixtures/api-gateway';
import { FakeSecretsExtension } from '../../test/fakes/secrets-extension';
import { alternateBatches, type BatchPlan } from '../lib/alternate';
import { cannedHttpHandler, STATIC_CREDENTIALS } from '../lib/canned-http';
import { childConfig, runMain } from '../lib/child';
import { createPeerWebhook } from './webhook-peer';

/**
 * Per-call CPU of the webhook handler against the floor (HMAC-SHA256 + JSON.parse of the same
 * body), in one process. Modes:
 * - `app`: createWebhookHandler + a real SqsEventQueue over an SQSClient whose `send` is stubbed, static secrets;
 * - `app-sdk`: the same, but the SQSClient runs its whole middleware stack (serialise, SigV4, parse, MD5 check) over canned HTTP;
 * - `handler`: functions/bridge-webhook/handler.ts as composed for Lambda (secrets extension source, whatever it wires),
 *   with SQS `send` stubbed on the client prototype and the extension's HTTP interface served in this process.
 * - `breakdown`: in one process, each cumulative layer against the floor: the signature check as written,
 *   validation (valibot), the event key, the whole use case (no-op queue), SqsEventQueue (stubbed send), middy and the
 *   HTTP mapping (logs off), the INFO line, the metrics data point.
 * - `peer`: `app-sdk` against a hand-written peer doing the same work (webhook-peer.ts), its own
 *   SQSClient over the same canned HTTP, side by side in this process: the budgeted ratio.
 * The log level comes from POWERTOOLS_LOG_LEVEL, set by the parent (`breakdown` sets its own).
 */
export type WebhookMode = 'app' | 'app-sdk' | 'handler' | 'breakdown' | 'peer';
export interface WebhookPerCallConfig extends BatchPlan {
  readonly mode: WebhookMode;
}

const SECRET = 'whsec_benchmark_c0ffee';
const QUEUE_URL = 'https://sqs.eu-west-1.amazonaws.com/123456789012/guidance-relay-events';

type Handler = (event: APIGatewayProxyEventV2, context: Context) => Promise<unknown>;

async function buildHandler(mode: WebhookMode, now: number): Promise<{ handler: Handler; sends: () => number }> {
  let sends = 0;
  if (mode === 'handler') {
    // What aws-sdk-client-mock does: every client of the class answers from the stub.
    Object.defineProperty(SQSClient.prototype, 'send', { configurable: true, writable: true, value: async () => ((sends += 1), { MessageId: 'm-1' }) });
    // The secret comes from the Parameters and Secrets extension's HTTP interface, as in Lambda.
    const extension = new FakeSecretsExtension().answer('guidance-relay/webhook', { secretString: SECRET });
    process.env.PARAMETERS_SECRETS_EXTENSION_HTTP_PORT = String(await extension.start());
    process.env.AWS_SESSION_TOKEN = extension.sessionToken;
    process.env.QUEUE_URL = QUEUE_URL;
    process.env.WEBHOOK_SECRET_ID = 'guidance-relay/webhook';
    const composed = await import('../../functions/bridge-webhook/handler');
    return { handler: composed.handler as Handler, sends: () => sends };
  }
  let sqs: SQSClient;
  if (mode === 'app-sdk' || mode === 'peer') {
    sqs = new SQSClient({
      region: 'eu-west-1',
      credentials: STATIC_CREDENTIALS,
      cacheMiddleware: true,
      requestHandler: cannedHttpHandler((request) => {
        sends += 1;
        const { MessageBody = '' } = JSON.parse(request.body) as { MessageBody?: string };
        const md5 = createHash('md5').update(MessageBody).digest('hex');
        return { body: JSON.stringify({ MessageId: `m-${sends}`, MD5OfMessageBody: md5 }) };
      }),
    });
  } else {
    sqs = new SQSClient({ region: 'eu-west-1', credentials: STATIC_CREDENTIALS, cacheMiddleware: true });
    Object.defineProperty(sqs, 'send', { value: async () => ((sends += 1), { MessageId: 'm-1' }) });
  }
  const handler = createWebhookHandler({
    queue: new SqsEventQueue(sqs, QUEUE_URL),
    secrets: { webhookSecrets: async () => [SECRET] },
    clock: { now: () => now },
    maxAgeSeconds: 259_200,
    allowedSourceIps: [],
    logger,
  });
  return { handler: handler as Handler, sends: () => sends };
}

runMain(async () => {
  const config = childConfig<WebhookPerCallConfig>();
  const now = Date.now();
  const body = guidanceReadyBody({ timestamp: now - 1000 });
  const event = httpApiEvent({ body, headers: { 'bridgeapi-signature': `v1=${signBody(body, SECRET)}` } });
  const context = lambdaContext('bridge-webhook');
  const bodyBytes = Buffer.from(body, 'utf8');
  const floor = () => createHmac('sha256', SECRET).update(bodyBytes).digest().length + (JSON.parse(body) as { timestamp: number }).timestamp;
  if (config.mode === 'breakdown') return breakdown(config, { now, event, context, floor });
  if (config.mode === 'peer') return againstPeer(config, { now, event, context });
  const { handler, sends } = await buildHandler(config.mode, now);

  const first = (await handler(event, context)) as { statusCode?: number; body?: string };
  if (first.statusCode !== 200 || first.body !== '{"status":"accepted"}' || sends() !== 1) {
    throw new Error(`The webhook did not accept the benchmark event: ${JSON.stringify(first)} after ${sends()} sends.`);
  }
  const result = await alternateBatches(() => handler(event, context), floor, config);
  const expectedSends = 1 + config.warmupCalls + config.rounds * config.callsPerRound;
  if (sends() !== expectedSends) throw new Error(`Expected ${expectedSends} queued events, saw ${sends()}.`);
  return { ...result, bodyBytes: bodyBytes.length, logLevel: process.env.POWERTOOLS_LOG_LEVEL ?? 'INFO' };
});

/** The real handler (SDK over canned HTTP, INFO) against the hand-written peer over the same canned HTTP. */
async function againstPeer(plan: BatchPlan, setup: { now: number; event: APIGatewayProxyEventV2; context: Context }) {
  const { now, event, context } = setup;
  const { handler, sends } = await buildHandler('peer', now);
  let peerSends = 0;
  const peerSqs = new SQSClient({
    region: 'eu-west-1',
    credentials: STATIC_CREDENTIALS,
    cacheMiddleware: true,
    requestHandler: cannedHttpHandler((request) => {
      peerSends += 1;
      const { MessageBody = '' } = JSON.parse(request.body) as { MessageBody?: string };
      return { body: JSON.stringify({ MessageId: `p-${peerSends}`, MD5OfMessageBody: createHash('md5').update(MessageBody).digest('hex') }) };
    }),
  });
  const peer = createPeerWebhook({ sqs: peerSqs, queueUrl: QUEUE_URL, secret: SECRET, now: () => now, maxAgeSeconds: 259_200 });
  const [mine, theirs] = [(await handler(event, context)) as { body?: string }, await peer(event)];
  if (mine.body !== theirs.body || sends() !== 1 || peerSends !== 1) throw new Error(`The handler and its peer disagree: ${mine.body} / ${theirs.body}.`);
  const result = await alternateBatches(() => handler(event, context), () => peer(event), plan);
  if (sends() !== peerSends) throw new Error(`The handler queued ${sends()} events, the peer ${peerSends}.`);
  return { ...result, logLevel: process.env.POWERTOOLS_LOG_LEVEL ?? 'INFO' };
}

/** Each layer of the webhook, cumulatively, against the same floor in the same process. */
async function breakdown(
  plan: BatchPlan,
  setup: { now: number; event: APIGatewayProxyEventV2; context: Context; floor: () => unknown },
): Promise<{ layers: { label: string; ratio: number; ratioP25: number; ratioP75: number; floorUs: number; subjectUs: number }[] }> {
  const { now, event, context, floor } = setup;
  const sqs = new SQSClient({ region: 'eu-west-1', credentials: STATIC_CREDENTIALS, cacheMiddleware: true });
  Object.defineProperty(sqs, 'send', { value: async () => ({ MessageId: 'm-1' }) });
  const secrets = { webhookSecrets: async () => [SECRET] };
  const clock = { now: () => now };
  const useCase = { queue: { enqueue: async () => undefined }, secrets, clock, maxAgeSeconds: 259_200 };
  const withQueue = { ...useCase, queue: new SqsEventQueue(sqs, QUEUE_URL) };
  const handler = createWebhookHandler({ ...withQueue, allowedSourceIps: [], logger });
  const withMetrics = createWebhookHandler({ ...withQueue, allowedSourceIps: [], logger, metrics: metricsSink });
  const delivery = () => ({ body: rawBody(event), signatureHeader: header(event, 'bridgeapi-signature'), correlationId: event.requestContext.requestId });
  const bytes = rawBody(event);
  const signature = header(event, 'bridgeapi-signature');
  const verified = () => isSignedByAny(bytes, signature, [SECRET]) && (JSON.parse(bytes.toString('utf8')) as unknown);
  const validated = () => check(guidanceWebhookSchema, verified());
  const keyed = () => {
    const parsed = validated();
    return parsed.ok && toGuidanceEvent(parsed.value, now);
  };
  const layers: { label: string; subject: () => Promise<unknown>; logLevel: 'ERROR' | 'INFO' }[] = [
    { label: 'signature check as written (header parse, hex, HMAC, timingSafeEqual) + JSON.parse', subject: async () => verified(), logLevel: 'ERROR' },
    { label: '+ validation (guidanceWebhookSchema, valibot)', subject: async () => validated(), logLevel: 'ERROR' },
    { label: '+ event key (SHA-256) and GuidanceEvent', subject: async () => keyed(), logLevel: 'ERROR' },
    { label: 'the whole use case (body and header from the event, replay window), no-op queue', subject: () => acceptWebhook(delivery(), useCase), logLevel: 'ERROR' },
    { label: '+ SqsEventQueue (SendMessageCommand, JSON.stringify; send stubbed)', subject: () => acceptWebhook(delivery(), withQueue), logLevel: 'ERROR' },
    { label: '  (aside) that, inside a default middy() (a timeout-early timer per call)', subject: middy().handler(() => acceptWebhook(delivery(), withQueue)).bind(null, event, context), logLevel: 'ERROR' },
    {
      label: '  (aside) that, inside middy({ timeoutEarlyInMillis: 0 }), as the handlers build it',
      subject: middy({ timeoutEarlyInMillis: 0 }).handler(() => acceptWebhook(delivery(), withQueue)).bind(null, event, context),
      logLevel: 'ERROR',
    },
    { label: '+ middy, error middleware, HTTP mapping (logs at ERROR)', subject: () => handler(event, context), logLevel: 'ERROR' },
    { label: '+ the INFO line (the budget\'s production config)', subject: () => handler(event, context), logLevel: 'INFO' },
    { label: '+ the WebhookRequests data point (PowertoolsMetricsSink, as handler.ts wires it)', subject: () => withMetrics(event, context), logLevel: 'INFO' },
  ];
  const results = [];
  for (const layer of layers) {
    logger.setLogLevel(layer.logLevel);
    const result = await alternateBatches(layer.subject, floor, plan);
    const { ratio, ratioP25, ratioP75, floorUs, subjectUs } = result;
    results.push({ label: layer.label, ratio, ratioP25, ratioP75, floorUs, subjectUs });
  }
  return { layers: results };
}
