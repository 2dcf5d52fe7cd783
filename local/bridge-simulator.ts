import { randomBytes, randomUUID } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { BRIDGE_VERSION, DEFAULT_GUIDANCE_SESSIONS_PATH } from '../shared/adapters/fetch-bridge-client';

/** One scripted misbehaviour: an HTTP status (with optional Retry-After), a reset, or a hang. */
export type SimulatedFault =
  | { readonly kind: 'status'; readonly status: number; readonly retryAfterSeconds?: number }
  | { readonly kind: 'reset' }
  | { readonly kind: 'hang'; readonly ms: number };

export interface BridgeSimulatorOptions {
  readonly clientId: string;
  readonly clientSecret: string;
  readonly knownUsers?: Iterable<string>;
  readonly latencyMs?: number;
  /** Bridge's own rate limit: a token bucket; above it, `429` with `Retry-After`. @default none */
  readonly rateLimit?: SimulatedRateLimit;
}

export interface SimulatedRateLimit {
  readonly requestsPerSecond: number;
  /** Requests the bucket holds: how many may arrive at once after a quiet spell. */
  readonly burst: number;
}

export interface CreatedSession {
  readonly id: string;
  readonly userUuid: string;
  readonly company: string;
  readonly at: number;
}

/**
 * A stand-in for Bridge's guidance-session endpoint that checks what Bridge checks (client
 * credentials, version header, country, company, known user) and can be told to fail.
 */
export class BridgeSimulator {
  readonly knownUsers: Set<string>;
  /** Companies Bridge refuses with 400 (a deterministic permanent failure for tests and chaos runs). */
  readonly rejectedCompanies = new Set<string>();
  readonly sessions: CreatedSession[] = [];
  latencyMs: number;
  /** Faults served before any normal answer, first in first out. */
  readonly scriptedFaults: SimulatedFault[] = [];
  /** Random faults: each request fails with this probability, drawing a fault from `randomFaults`. */
  failureRate = 0;
  randomFaults: SimulatedFault[] = [{ kind: 'status', status: 503 }];
  requestCount = 0;
  /** Arrival time (epoch ms) of every request, for the peak rate. */
  readonly arrivals: number[] = [];
  /** Requests refused by the rate limit. */
  throttledCount = 0;
  private readonly bucket: TokenBucket | undefined;
  private server: Server | undefined;
  private url = '';

  constructor(private readonly options: BridgeSimulatorOptions) {
    this.knownUsers = new Set([...(options.knownUsers ?? [])].map((uuid) => uuid.toLowerCase()));
    this.latencyMs = options.latencyMs ?? 0;
    if (options.rateLimit) this.bucket = new TokenBucket(options.rateLimit);
  }

  /** The most requests that arrived within any one second (a sliding window). */
  peakRequestsPerSecond(): number {
    let peak = 0;
    for (let start = 0, end = 0; end < this.arrivals.length; end += 1) {
      while ((this.arrivals[end] ?? 0) - (this.arrivals[start] ?? 0) >= 1000) start += 1;
      peak = Math.max(peak, end - start + 1);
    }
    return peak;
  }

  get baseUrl(): string {
    return this.url;
  }

  async start(): Promise<string> {
    this.server = createServer((request, response) => void this.handle(request, response));
    await new Promise<void>((resolve) => this.server?.listen(0, '127.0.0.1', resolve));
    this.url = `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
    return this.url;
  }

  async stop(): Promise<void> {
    if (!this.server) return;
    this.server.closeAllConnections();
    await new Promise<void>((resolve) => this.server?.close(() => resolve()));
  }

  private async handle(request: IncomingMessage, response: ServerResponse): Promise<void> {
    const body = await readBody(request);
    this.requestCount += 1;
    this.arrivals.push(Date.now());
    const waitSeconds = this.bucket?.take(Date.now());
    if (waitSeconds !== undefined) {
      this.throttledCount += 1;
      return send(response, 429, { errors: [{ code: 'rate_limited', message: 'Too many requests' }] }, { 'retry-after': String(waitSeconds) });
    }
    const fault = this.scriptedFaults.shift() ?? this.randomFault();
    if (this.latencyMs > 0) await delay(this.latencyMs);
    if (fault?.kind === 'reset') return void request.socket.destroy();
    if (fault?.kind === 'hang') {
      await delay(fault.ms);
      return void request.socket.destroy();
    }
    if (fault?.kind === 'status') {
      const headers: Record<string, string> =
        fault.retryAfterSeconds === undefined ? {} : { 'retry-after': String(fault.retryAfterSeconds) };
      return send(response, fault.status, { errors: [{ code: 'simulated', message: 'Simulated failure' }] }, headers);
    }
    if (request.method !== 'POST' || request.url !== DEFAULT_GUIDANCE_SESSIONS_PATH) {
      return send(response, 404, { errors: [{ code: 'not_found' }] });
    }
    if (request.headers['client-id'] !== this.options.clientId || request.headers['client-secret'] !== this.options.clientSecret) {
      return send(response, 401, { errors: [{ code: 'invalid_client', message: 'Invalid client credentials' }] });
    }
    if (request.headers['bridge-version'] !== BRIDGE_VERSION) return send(response, 400, { errors: [{ code: 'invalid_version' }] });
    let payload: Record<string, unknown>;
    try {
      payload = JSON.parse(body) as Record<string, unknown>;
    } catch {
      return send(response, 400, { errors: [{ code: 'invalid_body' }] });
    }
    const user = String(payload.user_uuid ?? '').toLowerCase();
    const company = String(payload.company_identification_number ?? '');
    if (!/^[A-Z]{2}$/.test(String(payload.country_code ?? '')) || !/^\d{9}$/.test(company) || this.rejectedCompanies.has(company)) {
      return send(response, 400, { errors: [{ code: 'invalid_request' }] });
    }
    if (!this.knownUsers.has(user)) return send(response, 401, { errors: [{ code: 'user.not_found', message: 'User not found' }] });
    const id = randomUUID();
    this.sessions.push({ id, userUuid: user, company, at: Date.now() });
    return send(response, 200, {
      id,
      url: `${this.url}/guidance/${id}?token=${randomBytes(12).toString('hex')}`,
      password: randomBytes(9).toString('base64url'),
    });
  }

  private randomFault(): SimulatedFault | undefined {
    if (this.failureRate <= 0 || Math.random() >= this.failureRate || this.randomFaults.length === 0) return undefined;
    return this.randomFaults[Math.floor(Math.random() * this.randomFaults.length)];
  }
}

/** Refills continuously at `requestsPerSecond`, holds at most `burst`; a request takes one token. */
class TokenBucket {
  private tokens: number;
  private updatedAt = Date.now();

  constructor(private readonly limit: SimulatedRateLimit) {
    this.tokens = limit.burst;
  }

  /** Undefined when the request may pass; else the whole seconds to wait (Retry-After). */
  take(nowMs: number): number | undefined {
    this.tokens = Math.min(this.limit.burst, this.tokens + ((nowMs - this.updatedAt) / 1000) * this.limit.requestsPerSecond);
    this.updatedAt = nowMs;
    if (this.tokens >= 1) {
      this.tokens -= 1;
      return undefined;
    }
    return Math.max(1, Math.ceil((1 - this.tokens) / this.limit.requestsPerSecond));
  }
}

function send(response: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}): void {
  response.writeHead(status, { 'content-type': 'application/json', ...headers });
  response.end(JSON.stringify(body));
}

function readBody(request: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    request.on('error', reject);
  });
}

const delay = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
