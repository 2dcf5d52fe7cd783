import type { RevokeOptions, RevokeReport, RevokeScope } from '../../shared/domain/revoke-sessions';
import { describeBody, type DeadLetterView, type OpsBackend, type OpsStatus } from './backend';

/** The ops commands against a running laptop stack (`npm start`), over its admin-only routes. */
export function localHttpOps(baseUrl: string, adminToken: string): OpsBackend {
  const call = async <T>(method: string, path: string, body?: unknown): Promise<T> => {
    let response: Response;
    try {
      response = await fetch(new URL(path, baseUrl), {
        method,
        headers: { authorization: `Bearer ${adminToken}`, ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
        ...(body === undefined ? {} : { body: JSON.stringify(body) }),
      });
    } catch {
      throw new Error(`No laptop stack answers on ${baseUrl}: start it with \`npm start\` (or pass --url).`);
    }
    const text = await response.text();
    if (!response.ok) throw new Error(`The laptop stack answered ${response.status}: ${text}`);
    return JSON.parse(text) as T;
  };
  return {
    status: () => call<OpsStatus>('GET', '/_local/ops/status'),
    deadLetters: async (limit) => {
      const { items } = await call<{ items: { messageId: string; reason: string; correlationId: string; body: string }[] }>('GET', '/_local/dead-letters');
      return items.slice(0, limit).map((item): DeadLetterView => ({ ...item, ...describeBody(item.body) }));
    },
    redrive: (limit, dryRun) => call('POST', '/_local/ops/redrive', { limit, dryRun }),
    revoke: (scope: RevokeScope, options: RevokeOptions) => call<RevokeReport>('POST', '/_local/ops/revoke', { scope, ...options }),
  };
}
