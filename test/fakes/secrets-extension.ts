import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

/** What a secret id answers: a value (GetSecretValue's shape), a binary secret, or an HTTP refusal. */
export type ExtensionAnswer = { secretString: string } | { secretBinary: string } | { status: number; body?: string } | 'hang' | 'cut' | 'trickle';

/**
 * The AWS Parameters and Secrets Lambda Extension's HTTP interface as AWS documents it, over real
 * HTTP: `GET /secretsmanager/get?secretId=<id>` with `X-Aws-Parameters-Secrets-Token` (the
 * function's session token) answers GetSecretValue's JSON; a wrong or missing token is refused
 * before any lookup; an id Secrets Manager refuses answers a 4xx.
 */
export class FakeSecretsExtension {
  readonly requests: { secretId: string | null; token: string | undefined }[] = [];
  private readonly answers = new Map<string, ExtensionAnswer>();
  private server: Server | undefined;

  constructor(readonly sessionToken = 'session-token-of-this-sandbox') {}

  answer(secretId: string, answer: ExtensionAnswer): this {
    this.answers.set(secretId, answer);
    return this;
  }

  async start(): Promise<number> {
    this.server = createServer((request, response) => {
      const url = new URL(request.url ?? '/', 'http://localhost');
      const token = request.headers['x-aws-parameters-secrets-token'];
      const secretId = url.searchParams.get('secretId');
      this.requests.push({ secretId, token: typeof token === 'string' ? token : undefined });
      const send = (status: number, body: string) => response.writeHead(status, { 'content-type': 'application/json' }).end(body);
      if (request.method !== 'GET' || url.pathname !== '/secretsmanager/get') return send(404, '{"message":"not found"}');
      if (token !== this.sessionToken) return send(401, '{"message":"unauthorized"}');
      const answer = secretId === null ? undefined : this.answers.get(secretId);
      if (answer === 'hang') return undefined;
      // Headers, part of the body, then the connection drops.
      if (answer === 'cut') {
        response.writeHead(200, { 'content-type': 'application/json', 'content-length': '1000' }).write('{"SecretStr');
        return setTimeout(() => response.socket?.destroy(), 20);
      }
      // One byte every 50 ms, never the end: alive, but never done.
      if (answer === 'trickle') {
        response.writeHead(200, { 'content-type': 'application/json' });
        const drip = setInterval(() => (response.writableEnded || response.destroyed ? clearInterval(drip) : response.write(' ')), 50);
        response.on('close', () => clearInterval(drip));
        return undefined;
      }
      if (answer === undefined) return send(400, `{"message":"ResourceNotFoundException: Secrets Manager can't find the specified secret ${secretId}"}`);
      if ('status' in answer) return send(answer.status, answer.body ?? '{}');
      const value = 'secretString' in answer ? { SecretString: answer.secretString } : { SecretBinary: answer.secretBinary };
      return send(200, JSON.stringify({ ARN: `arn:aws:secretsmanager:eu-west-1:123456789012:secret:${secretId}`, Name: secretId, VersionId: 'v1', VersionStages: ['AWSCURRENT'], CreatedDate: '2026-12-01T00:00:00Z', ...value }));
    });
    await new Promise<void>((resolve) => this.server!.listen(0, '127.0.0.1', resolve));
    return (this.server!.address() as AddressInfo).port;
  }

  async stop(): Promise<void> {
    this.server?.closeAllConnections();
    await new Promise<void>((resolve) => (this.server ? this.server.close(() => resolve()) : resolve()));
  }

  readsOf(secretId: string): number {
    return this.requests.filter((entry) => entry.secretId === secretId).length;
  }
}
