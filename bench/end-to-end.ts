import { runChild } from './lib/child';
import type { LocalStackConfig, LocalStackResult } from './children/local-stack';
import type { WorkerBatchConfig, WorkerBatchRound } from './children/worker-batch';

export interface WorkerBatchResult {
  readonly storage: WorkerBatchConfig['storage'];
  readonly rounds: WorkerBatchRound[];
  /** Median of per-round (batch wall time / round-trip wall time). */
  readonly ratio: number;
  readonly roundTripMs: number;
  readonly batchMs: number;
  readonly batchCpuMs: number;
}

const BRIDGE_LATENCY_MS = 200;
const BATCH_SIZE = 10;

/** (a) in-memory ports — the budgeted figure — then (b) dynalite, for reference. */
export async function measureWorkerBatches(plan: { memoryRounds: number; dynaliteRounds: number }, progress: (line: string) => void): Promise<WorkerBatchResult[]> {
  const results: WorkerBatchResult[] = [];
  for (const [storage, rounds] of [
    ['memory', plan.memoryRounds],
    ['dynalite', plan.dynaliteRounds],
  ] as const) {
    const config: WorkerBatchConfig = { storage, rounds, batchSize: BATCH_SIZE, latencyMs: BRIDGE_LATENCY_MS };
    const result = await runChild<WorkerBatchResult>('worker-batch.ts', config, { POWERTOOLS_LOG_LEVEL: 'INFO', POWERTOOLS_SERVICE_NAME: 'session-worker' });
    results.push(result);
    progress(`worker batch (${storage}): ${result.ratio.toFixed(2)}× one round trip`);
  }
  return results;
}

export async function measureLocalStack(config: LocalStackConfig, progress: (line: string) => void): Promise<LocalStackResult> {
  const result = await runChild<LocalStackResult>('local-stack.ts', config, { POWERTOOLS_LOG_LEVEL: 'INFO' });
  progress(`laptop stack: webhook → notification p50 ${result.webhookToNotification.p50Ms.toFixed(0)} ms`);
  return result;
}

export { BATCH_SIZE, BRIDGE_LATENCY_MS };
