import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { DynamoGuidanceStore } from '../shared/adapters/dynamo-guidance-store';
import { DynamoSessionExpiry } from '../shared/adapters/dynamo-session-expiry';
import { DynamoUserDirectory } from '../shared/adapters/dynamo-user-directory';
import { DynamoRateLimiter } from '../shared/adapters/dynamo-rate-limiter';
import { FetchBridgeClient } from '../shared/adapters/fetch-bridge-client';
import { httpsOrigins } from '../shared/adapters/bridge-session-answer';
import { LocalAesGcmCipher } from '../shared/adapters/local-aes-cipher';
import { documentClient } from '../shared/aws/clients';
import { registerUser } from '../shared/domain/manage-users';
import { REVEAL_BRIDGE_CALL_BUDGET_MS, WORKER_BRIDGE_CALL_BUDGET_MS, type RetryPolicy } from '../shared/domain/retry';
import { logger } from '../shared/observability';
import { systemClock, type Clock } from '../shared/ports/clock';
import type { PasswordCipher } from '../shared/ports/password-cipher';
import { noMetrics, type MetricsSink } from '../shared/ports/metrics';
import { recordBridgeAttempt } from '../shared/adapters/bridge-metrics';
import { loggedSecurityEvents } from '../shared/adapters/logged-security-events';
import { createWebhookHandler } from '../functions/bridge-webhook/app';
import { createInternalUsersHandler } from '../functions/internal-users/app';
import { createRevealHandler } from '../functions/reveal-api/app';
import { createWorkerHandler } from '../functions/session-worker/app';
import { DynamoRequestLineStore } from '../shared/adapters/dynamo-request-line';
import { bridgePacing } from '../shared/adapters/paced-fetch';
import { BridgePacer, type BridgeCallLane } from '../shared/domain/bridge-pacing';
import type { RequestLineStore } from '../shared/ports/request-line';
import { BridgeSimulator } from './bridge-simulator';
import { startLocalDynamo, type LocalDynamo } from './dynamo';
import { lambdaContext, route, secretEquals, toApiGatewayEvent, writeError, writeResponse, type LocalRoute } from './http-gateway';
import { InProcessQueue, type InProcessQueueOptions } from './in-process-queue';
import { LOCAL_JWT_AUDIENCE, LOCAL_JWT_ISSUER, verifyLocalToken } from './jwt';
import { SharedSecretTokenVerifier } from '../shared/adapters/jose-token-verifier';
import { bearerTokenCaller } from '../shared/http/request';
import { DEMO_USERS, readLocalConfig, type LocalConfig } from './local-config';
import { LocalOutbox } from './outbox';
import { LOCAL_SWEEP_INTERVAL_MS, startSweepTimer } from './sweep-timer';
import { InProcessOpsQueue } from './in-process-ops-queue';
import { opsRoutes, parseJsonBody } from './ops-routes';
import { revokeSessions, type RevokeOptions, type RevokeScope } from '../shared/domain/revoke-sessions';
import { HttpError } from '../shared/http/errors';
import { API_ROUTES, routeKeyOf } from '../shared/http/routes';
import { errorResponse, json } from '../shared/http/responses';
import { buildWebApp } from '../web/bundle';
import { webAppRoutes } from './web-app';
import { applyCors } from './cors';

const MAX_REQUEST_BYTES = 1024 * 1024;
const REQUEST_TIMEOUT_MS = 10_000;
const WORKER_TIMEOUT_MS = 30_000;

export interface LocalStackOptions {
  readonly env?: Record<string, string | undefined>;
  readonly clock?: Clock;
  readonly queue?: InProcessQueueOptions;
  readonly cipher?: PasswordCipher;
  readonly bridgeRetry?: RetryPolicy;
  /** Default: none (a laptop has no CloudWatch); tests pass a recorder. */
  readonly metrics?: MetricsSink;
  /** Wraps the worker's and reveal API's adapters, e.g. to inject faults (chaos runs). */
  readonly decorate?: AdapterDecorator;
  /** How often the session sweeper runs. @default LOCAL_SWEEP_INTERVAL_MS (a minute, as deployed) */
  readonly sweepIntervalMs?: number;
  /** Where the Bridge request lines live when BRIDGE_MAX_RPS is set. @default the table on dynalite */
  readonly requestLines?: RequestLineStore;
  /** The simulator's bucket size when BRIDGE_MAX_RPS is set. @default a fifth of a second's requests, at least 2 */
  readonly bridgeBurst?: number;
}

/** Receives each adapter by role and returns what the handlers should use instead. */
export interface AdapterDecorator {
  <T extends object>(role: 'store' | 'users' | 'cipher' | 'notifier', adapter: T): T;
}

export interface LocalStack {
  readonly url: string;
  readonly config: LocalConfig;
  readonly dynamo: LocalDynamo;
  readonly db: DynamoDBDocumentClient;
  readonly queue: InProcessQueue;
  readonly outbox: LocalOutbox;
  /** Undefined when BRIDGE_API_URL points elsewhere. */
  readonly bridge: BridgeSimulator | undefined;
  readonly store: DynamoGuidanceStore;
  readonly users: DynamoUserDirectory;
  stop(): Promise<void>;
}

/** The whole product on one port: the real handlers, dynalite, an in-process queue, a local cipher and outbox. */
export async function startLocalStack(options: LocalStackOptions = {}): Promise<LocalStack> {
  const config = readLocalConfig(options.env ?? process.env);
  const clock = options.clock ?? systemClock;
  const metrics = options.metrics ?? noMetrics;
  const dynamo = await startLocalDynamo();
  const db = documentClient(dynamo.client);
  const users = new DynamoUserDirectory(db, dynamo.tableName);
  const store = new DynamoGuidanceStore(db, dynamo.tableName, dynamo.sessionTableName);
  const cipher = options.cipher ?? new LocalAesGcmCipher();
  const outbox = new LocalOutbox();
  const decorate: AdapterDecorator = options.decorate ?? ((_role, adapter) => adapter);
  const queue = new InProcessQueue(options.queue);

  let bridge: BridgeSimulator | undefined;
  let bridgeApiUrl = config.bridgeApiUrl;
  if (!bridgeApiUrl) {
    bridge = new BridgeSimulator({
      clientId: config.bridgeClientId,
      clientSecret: config.bridgeClientSecret,
      knownUsers: DEMO_USERS.map((user) => user.bridgeUserUuid),
      ...(config.bridgeMaxRps === undefined
        ? {}
        : { rateLimit: { requestsPerSecond: config.bridgeMaxRps, burst: options.bridgeBurst ?? Math.max(2, Math.ceil(config.bridgeMaxRps / 5)) } }),
    });
    bridgeApiUrl = await bridge.start();
  }
  const credentials = { bridgeCredentials: async () => ({ clientId: config.bridgeClientId, clientSecret: config.bridgeClientSecret }) };
  // With BRIDGE_MAX_RPS, the worker and the reveal API keep the rate together, as deployed.
  const pacer =
    config.bridgeMaxRps === undefined
      ? undefined
      : new BridgePacer(options.requestLines ?? new DynamoRequestLineStore(db, dynamo.tableName), config.bridgeMaxRps, systemClock);
  const bridgeClientFor = (lane: BridgeCallLane, maxWaitMs: number, callBudgetMs: number) =>
    new FetchBridgeClient({
      baseUrl: bridgeApiUrl,
      ...(config.bridgeSessionsPath ? { sessionsPath: config.bridgeSessionsPath } : {}),
      credentials,
      // The simulator's links are plain http on its own origin; any other Bridge gets the https hosts.
      sessionOrigins: bridge ? [new URL(bridge.baseUrl).origin] : httpsOrigins(config.bridgeSessionHosts),
      onAttempt: recordBridgeAttempt(metrics),
      ...(options.bridgeRetry ? { retry: options.bridgeRetry } : {}),
      ...(pacer ? { gate: bridgePacing({ pacer, lane, maxWaitMs }) } : {}),
      callBudgetMs,
    });
  const bridgeClient = bridgeClientFor('background', 10_000, WORKER_BRIDGE_CALL_BUDGET_MS);
  const handlerStore = decorate('store', store);
  const handlerUsers = decorate('users', users);
  const issueDeps = {
    bridge: bridgeClient,
    cipher: decorate('cipher', cipher),
    store: handlerStore,
    clock,
    passwordTtlSeconds: config.passwordTtlSeconds,
    security: loggedSecurityEvents(logger, metrics),
  };

  for (const demo of DEMO_USERS) {
    await registerUser({ bridgeUserUuid: demo.bridgeUserUuid, appUserId: demo.appUserId, countryCode: demo.countryCode }, { users, store });
  }

  const webhook = createWebhookHandler({
    queue,
    secrets: { webhookSecrets: async () => config.webhookSecrets },
    clock,
    maxAgeSeconds: config.webhookMaxAgeSeconds,
    allowedSourceIps: [], // the source-IP check is a deployed-only control
    logger,
    metrics,
  });
  const worker = createWorkerHandler({
    ...issueDeps,
    users: handlerUsers,
    notifier: decorate('notifier', outbox),
    deadLetters: queue,
    deferrer: queue,
    queueVisibilityTimeoutSeconds: queue.visibilityTimeoutMs / 1000,
    requeuer: queue,
    maxReceiveCount: queue.maxReceiveCount,
    logger,
    metrics,
  });
  const reveal = createRevealHandler({
    ...issueDeps,
    bridge: bridgeClientFor('person', 3000, REVEAL_BRIDGE_CALL_BUDGET_MS),
    users: handlerUsers,
    userLimits: { limiter: new DynamoRateLimiter(db, dynamo.tableName), limits: config.userLimits },
    authenticate: bearerTokenCaller(new SharedSecretTokenVerifier(config.jwtSecret, { issuer: LOCAL_JWT_ISSUER, audience: LOCAL_JWT_AUDIENCE })),
    logger,
    metrics,
  });
  const internalUsers = createInternalUsersHandler({ users, store, logger });
  queue.start((event) => worker(event, lambdaContext('session-worker', WORKER_TIMEOUT_MS)));
  const sweeper = startSweepTimer({
    expiry: new DynamoSessionExpiry(db, dynamo.sessionTableName),
    clock,
    logger,
    metrics,
    intervalMs: options.sweepIntervalMs ?? LOCAL_SWEEP_INTERVAL_MS,
  });

  const asLambda =
    (name: string, handler: (event: never, context: never) => Promise<unknown>): LocalRoute['invoke'] =>
    async (event) =>
      (await handler(event as never, lambdaContext(name, REQUEST_TIMEOUT_MS) as never)) as Awaited<ReturnType<LocalRoute['invoke']>>;
  const localOnly =
    (payload: (body: unknown) => unknown): LocalRoute['invoke'] =>
    async (event) => {
      try {
        const result = await payload(parseJsonBody(event.body, event.isBase64Encoded ?? false));
        return { statusCode: 200, headers: { 'content-type': 'application/json', 'cache-control': 'no-store' }, body: JSON.stringify(result) };
      } catch (error) {
        if (error instanceof HttpError && error.status < 500) return errorResponse(error.status, error.code, error.message);
        throw error;
      }
    };
  const opsSessions = {
    countLive: async () => (await store.findSessions('all')).filter((session) => session.expiresAt > clock.now()).length,
    revoke: (scope: RevokeScope, revokeOptions: RevokeOptions) =>
      revokeSessions(scope, revokeOptions, { inventory: store, store, queue, now: () => clock.now() }),
  };

  const routes: LocalRoute[] = [
    route('POST /webhooks/bridge', 'none', asLambda('bridge-webhook', webhook)),
    // The route table, as API Gateway serves it: IAM routes take the admin token on a laptop.
    ...API_ROUTES.map((declared) =>
      route(
        routeKeyOf(declared),
        declared.auth === 'iam' ? 'admin' : 'jwt',
        declared.api === 'reveal' ? asLambda('reveal-api', reveal) : asLambda('internal-users', internalUsers),
      ),
    ),
    route('GET /_local/outbox', 'admin', localOnly(() => ({ items: outbox.entries }))),
    route('GET /_local/dead-letters', 'admin', localOnly(() => ({ items: queue.deadLetters }))),
    ...opsRoutes(new InProcessOpsQueue(queue), opsSessions, localOnly),
    ...webAppRoutes(config.jwtSecret, buildWebApp),
  ];

  // Node checks request timeouts every connectionsCheckingInterval (30 s by default).
  const server = createServer({ connectionsCheckingInterval: 1000 }, (request, response) => {
    serve(request, response, routes, config).catch(() => {
      if (!response.headersSent) writeError(response, 500, 'internal_error', 'Internal error.');
      else response.destroy();
    });
  });
  // Node's own refusals (malformed HTTP, oversized headers, timeouts) answer JSON like the rest.
  server.on('clientError', (error: NodeJS.ErrnoException, socket) => {
    if (!socket.writable) return socket.destroy();
    const [status, code, message] =
      error.code === 'ERR_HTTP_REQUEST_TIMEOUT'
        ? [408, 'invalid_request', 'The request took too long.']
        : error.code === 'HPE_HEADER_OVERFLOW'
          ? [431, 'invalid_request', 'Request headers are too large.']
          : [400, 'invalid_request', 'Malformed HTTP request.'];
    const body = JSON.stringify({ error: code, message });
    socket.end(
      `HTTP/1.1 ${status} ${status === 408 ? 'Request Timeout' : status === 431 ? 'Request Header Fields Too Large' : 'Bad Request'}\r\n` +
        `content-type: application/json\r\ncache-control: no-store\r\nconnection: close\r\ncontent-length: ${Buffer.byteLength(body)}\r\n\r\n${body}`,
    );
  });
  server.requestTimeout = REQUEST_TIMEOUT_MS;
  server.headersTimeout = REQUEST_TIMEOUT_MS;
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(config.port, '127.0.0.1', resolve);
  });
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;

  return {
    url,
    config,
    dynamo,
    db,
    queue,
    outbox,
    bridge,
    store,
    users,
    stop: async () => {
      await closeServer(server);
      await sweeper.stop();
      await queue.stop();
      await bridge?.stop();
      await dynamo.stop();
    },
  };
}

async function serve(request: IncomingMessage, response: ServerResponse, routes: LocalRoute[], config: LocalConfig): Promise<void> {
  if (applyCors(request, response, routes, config.corsAllowedOrigins)) return;
  const path = new URL(request.url ?? '/', 'http://local').pathname;
  const candidates = routes.filter((candidate) => candidate.pattern.test(path));
  const matched = candidates.find((candidate) => candidate.method === request.method);
  if (!matched) {
    request.resume();
    return candidates.length > 0
      ? writeError(response, 405, 'method_not_allowed', 'Method not allowed on this route.')
      : writeError(response, 404, 'not_found', 'No such route.');
  }
  const body = await readBody(request);
  if (body === undefined) return writeError(response, 413, 'payload_too_large', `Body exceeds ${MAX_REQUEST_BYTES} bytes.`);

  const bearer = /^Bearer (.+)$/i.exec(request.headers.authorization ?? '')?.[1]?.trim();
  let authorizer: Record<string, unknown> | undefined;
  if (matched.auth === 'admin') {
    if (!bearer || !secretEquals(bearer, config.adminToken)) return writeError(response, 401, 'unauthorized', 'A valid admin token is required.');
    authorizer = { iam: { userId: 'local-admin' } };
  } else if (matched.auth === 'jwt') {
    const claims = bearer ? await verifyLocalToken(bearer, config.jwtSecret) : undefined;
    // API Gateway's JWT authorizer answers with its own body, not the service's error shape.
    if (!claims) return writeResponse(response, json(401, { message: 'Unauthorized' }));
    authorizer = { jwt: { claims, scopes: [] } };
  }
  const values = matched.pattern.exec(path)?.slice(1) ?? [];
  let pathParameters: Record<string, string>;
  try {
    pathParameters = Object.fromEntries(matched.params.map((name, index) => [name, decodeURIComponent(values[index] ?? '')]));
  } catch {
    return writeError(response, 400, 'invalid_request', 'Malformed percent-encoding in the path.');
  }
  const event = toApiGatewayEvent(request, body, { route: matched, pathParameters }, authorizer);
  writeResponse(response, await matched.invoke(event));
}

function readBody(request: IncomingMessage): Promise<Buffer | undefined> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    let tooLarge = false;
    request.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size > MAX_REQUEST_BYTES) tooLarge = true;
      else chunks.push(chunk);
    });
    request.on('end', () => resolve(tooLarge ? undefined : Buffer.concat(chunks)));
    request.on('error', reject);
  });
}

function closeServer(server: Server): Promise<void> {
  server.closeIdleConnections();
  const forced = setTimeout(() => server.closeAllConnections(), 2000);
  return new Promise((resolve) =>
    server.close(() => {
      clearTimeout(forced);
      resolve();
    }),
  );
}
