import type { LocalStack } from '../stack';
import type { ExpectedAnswer, PlannedRequest, PlannedUser, PlanStep, StepAction } from './plan';

const QUEUE_UNAVAILABLE_RETRIES = 20;
const QUEUE_UNAVAILABLE_BACKOFF_MS = 20;

/** What one planned request got: every HTTP status on the way (a 503 is retried, as Bridge would). */
export interface SentRequest {
  readonly request: PlannedRequest;
  readonly statuses: number[];
  readonly answer: ExpectedAnswer | 'queue_unavailable' | `other:${number}:${string}`;
}

/** Registers the users the plan says are ours, through the platform's route. */
export async function registerUsers(stack: LocalStack, users: readonly PlannedUser[], concurrency: number): Promise<void> {
  const registered = users.filter((user) => user.registered);
  await inParallel(registered, concurrency, async (user) => {
    const response = await fetch(`${stack.url}/internal/users/${user.bridgeUserUuid}`, {
      method: 'PUT',
      headers: { authorization: `Bearer ${stack.config.adminToken}`, 'content-type': 'application/json' },
      body: JSON.stringify({ app_user_id: user.appUserId, country_code: 'FR', contact_email: `${user.appUserId}@example.com`, language: 'fr' }),
    });
    await response.arrayBuffer();
    if (response.status !== 200) throw new Error(`Registering ${user.appUserId} answered ${response.status}.`);
  });
}

/** Sends the steps with `concurrency` senders; `onStep` runs as a sender takes step `index`. */
export async function sendSteps(
  stack: LocalStack,
  steps: readonly PlanStep[],
  concurrency: number,
  onStep: (index: number) => void = () => undefined,
): Promise<SentRequest[]> {
  const sent: SentRequest[] = [];
  await inParallel(steps, concurrency, async (step, index) => {
    onStep(index);
    for (const group of step.groups) sent.push(...(await Promise.all(group.map((request) => sendWebhook(stack, request)))));
  });
  return sent;
}

export function stepActions(actions: ReadonlyMap<number, StepAction[]>, run: (action: StepAction) => void): (index: number) => void {
  return (index) => {
    for (const action of actions.get(index) ?? []) run(action);
  };
}

async function sendWebhook(stack: LocalStack, request: PlannedRequest): Promise<SentRequest> {
  const statuses: number[] = [];
  for (let attempt = 1; ; attempt += 1) {
    const response = await fetch(`${stack.url}/webhooks/bridge`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...(request.signatureHeader ? { 'BridgeApi-Signature': request.signatureHeader } : {}) },
      body: request.body,
    });
    const text = await response.text();
    statuses.push(response.status);
    const answer = classify(response.status, text);
    if (answer !== 'queue_unavailable' || attempt >= QUEUE_UNAVAILABLE_RETRIES) return { request, statuses, answer };
    await new Promise((resolve) => setTimeout(resolve, QUEUE_UNAVAILABLE_BACKOFF_MS * attempt));
  }
}

function classify(status: number, text: string): SentRequest['answer'] {
  let body: { status?: unknown; error?: unknown } = {};
  try {
    body = JSON.parse(text) as typeof body;
  } catch {
    // classified as other below
  }
  if (status === 200 && (body.status === 'accepted' || body.status === 'stale')) return body.status;
  if (status === 401 && body.error === 'invalid_signature') return 'invalid_signature';
  if (status === 503 && body.error === 'queue_unavailable') return 'queue_unavailable';
  return `other:${status}:${String(body.status ?? body.error ?? '')}`;
}

async function inParallel<T>(items: readonly T[], concurrency: number, work: (item: T, index: number) => Promise<void>): Promise<void> {
  let next = 0;
  const sender = async () => {
    while (next < items.length) {
      const index = next;
      next += 1;
      await work(items[index] as T, index);
    }
  };
  await Promise.all(Array.from({ length: Math.min(concurrency, items.length) }, sender));
}
