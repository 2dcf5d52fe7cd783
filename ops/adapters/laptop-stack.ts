import type { RevokeReport } from '../../shared/domain/revoke-sessions';
import type { OpsQueue, QueueDepth, ReceivedDeadLetter } from '../ops-queue';
import type { OpsSessions } from '../ops-service';

/** An answer the laptop stack refused, or no laptop stack at all: one sentence for the operator. */
export class LaptopStackError extends Error {
  override readonly name = 'LaptopStackError';
}

/**
 * The ops ports over a running laptop stack (`npm start`): each queue operation is one admin-only
 * route there, so the ops logic itself runs here, exactly as it does against SQS.
 */
export function laptopStack(baseUrl: string, adminToken: string): { queue: OpsQueue; sessions: OpsSessions } {
  const call = async <T>(method: 'GET' | 'POST', path: string, body?: unknown): Promise<T> => {
    let response: Response;
    try {
      response = await fetch(new URL(path, baseUrl), {
        method,
        headers: { authorization: `Bearer ${adminToken}`, ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
        ...(body === undefined ? {} : { body: JSON.stringify(body) }),
      });
    } catch {
      throw new LaptopStackError(`No laptop stack answers on ${baseUrl}: start it with \`npm start\` (or pass --url).`);
    }
    const text = await response.text();
    if (response.status === 401) throw new LaptopStackError('The laptop stack refused the admin token: pass --token or set LOCAL_ADMIN_TOKEN.');
    if (!response.ok) throw new LaptopStackError(`The laptop stack answered ${response.status}: ${text}`);
    return JSON.parse(text) as T;
  };
  const queueCall = <T>(operation: string, body: unknown = {}) => call<T>('POST', `/_local/ops/queue/${operation}`, body);
  return {
    queue: {
      depth: (queue) => queueCall<QueueDepth>('depth', { queue }),
      oldestMessageAgeSeconds: async () => (await queueCall<{ seconds: number | null }>('oldest-age')).seconds,
      receiveDeadLetters: async (max, visibilityTimeoutSeconds) =>
        (await queueCall<{ items: ReceivedDeadLetter[] }>('receive-dead-letters', { max, visibilityTimeoutSeconds })).items,
      changeDeadLetterVisibility: async (receiptHandle, visibilityTimeoutSeconds) => {
        await queueCall('change-dead-letter-visibility', { receiptHandle, visibilityTimeoutSeconds });
      },
      deleteDeadLetter: async (receiptHandle) => {
        await queueCall('delete-dead-letter', { receiptHandle });
      },
      sendToMain: async (body, correlationId) => {
        await queueCall('send-to-main', { body, correlationId });
      },
      moveAllDeadLetters: async () => (await queueCall<{ taskHandle: string }>('move-all-dead-letters')).taskHandle,
    },
    sessions: {
      countLive: async () => (await call<{ count: number }>('GET', '/_local/ops/live-sessions')).count,
      revoke: (scope, options) => call<RevokeReport>('POST', '/_local/ops/revoke', { scope, ...options }),
    },
  };
}
