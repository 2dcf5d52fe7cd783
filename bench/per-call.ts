import type { AlternatedResult, BatchPlan } from './lib/alternate';
import { runChild } from './lib/child';
import { median, quantile } from './lib/stats';
import type { RevealPerCallConfig } from './children/reveal-per-call';
import type { WebhookPerCallConfig } from './children/webhook-per-call';

export interface PerCallRow {
  readonly id: string;
  readonly label: string;
  readonly logLevel: 'ERROR' | 'INFO';
  readonly processes: number;
  /** Median over processes of each process's median per-round ratio. */
  readonly ratio: number;
  /** Quartiles of every per-round ratio, all processes pooled. */
  readonly ratioP25: number;
  readonly ratioP75: number;
  readonly floorUs: number;
  readonly subjectUs: number;
  readonly perProcess: number[];
}

export interface Layer {
  readonly label: string;
  readonly ratio: number;
  readonly ratioP25: number;
  readonly ratioP75: number;
  readonly floorUs: number;
  readonly subjectUs: number;
}

export interface PerCallPlan {
  readonly processes: number;
  readonly stub: BatchPlan;
  /** For subjects with the SDK's whole stack in the loop (~100× slower per call). */
  readonly sdk: BatchPlan;
}

interface Measure {
  readonly id: string;
  readonly label: string;
  readonly script: 'webhook-per-call.ts' | 'reveal-per-call.ts';
  readonly config: WebhookPerCallConfig | RevealPerCallConfig;
  readonly logLevel: 'ERROR' | 'INFO';
  readonly processes: number;
  readonly service: string;
}

export function perCallMeasures(plan: PerCallPlan): Measure[] {
  const webhook = (id: string, label: string, mode: WebhookPerCallConfig['mode'], logLevel: 'ERROR' | 'INFO', batch: BatchPlan, processes = 1): Measure => ({
    id,
    label,
    script: 'webhook-per-call.ts',
    config: { mode, ...batch },
    logLevel,
    processes,
    service: 'bridge-webhook',
  });
  const reveal = (id: string, label: string, mode: RevealPerCallConfig['mode'], logLevel: 'ERROR' | 'INFO', batch: BatchPlan): Measure => ({
    id,
    label,
    script: 'reveal-per-call.ts',
    config: { mode, ...batch },
    logLevel,
    processes: 1,
    service: 'reveal-api',
  });
  return [
    webhook('webhook-silent', 'webhook: createWebhookHandler, SQS send stubbed, static secrets, logs at ERROR', 'app', 'ERROR', plan.stub, plan.processes),
    webhook('webhook-info', 'webhook: the same with the INFO line per accepted event (production config; the budget)', 'app', 'INFO', plan.stub, plan.processes),
    webhook('webhook-sdk', 'webhook: the same, SQSClient running its whole stack over canned HTTP (serialise, SigV4, parse, MD5)', 'app-sdk', 'INFO', plan.sdk),
    webhook(
      'webhook-peer',
      'webhook (SDK over canned HTTP, INFO) / a minimal hand-written peer doing the same work with the same SDK over the same canned HTTP (the budget)',
      'peer',
      'INFO',
      plan.sdk,
      plan.processes,
    ),
    webhook('webhook-handler', 'webhook: functions/bridge-webhook/handler.ts as composed for Lambda (secrets extension source, metrics), send stubbed, INFO', 'handler', 'INFO', plan.stub),
    reveal('reveal-silent', 'reveal: createRevealHandler, DocumentClient and KMS send stubbed, logs at ERROR', 'send', 'ERROR', plan.stub),
    reveal('reveal-info', 'reveal: the same with the audit INFO line (production config)', 'send', 'INFO', plan.stub),
    reveal('reveal-sdk', 'reveal: DynamoDB (DocumentClient) and KMS running their whole stacks over canned GetItem/UpdateItem/Decrypt HTTP, INFO', 'sdk', 'INFO', plan.sdk),
  ];
}

/** Runs every per-call measure in its own processes (several for the budgeted ones, interleaved). */
export async function measurePerCall(plan: PerCallPlan, progress: (line: string) => void): Promise<{ rows: PerCallRow[]; webhookLayers: Layer[] }> {
  const measures = perCallMeasures(plan);
  const results = new Map<string, AlternatedResult[]>(measures.map((measure) => [measure.id, []]));
  const maxProcesses = Math.max(...measures.map((measure) => measure.processes));
  for (let pass = 0; pass < maxProcesses; pass += 1) {
    for (const measure of measures) {
      if (pass >= measure.processes) continue;
      const result = await runChild<AlternatedResult>(measure.script, measure.config, { POWERTOOLS_LOG_LEVEL: measure.logLevel, POWERTOOLS_SERVICE_NAME: measure.service });
      results.get(measure.id)?.push(result);
      progress(`per-call ${measure.id} (process ${pass + 1}/${measure.processes}): ${result.ratio.toFixed(2)}× floor`);
    }
  }
  const rows = measures.map((measure): PerCallRow => {
    const runs = results.get(measure.id) ?? [];
    const pooled = runs.flatMap((run) => run.rounds.map((round) => round.ratio));
    return {
      id: measure.id,
      label: measure.label,
      logLevel: measure.logLevel,
      processes: runs.length,
      ratio: median(runs.map((run) => run.ratio)),
      ratioP25: quantile(pooled, 0.25),
      ratioP75: quantile(pooled, 0.75),
      floorUs: median(runs.map((run) => run.floorUs)),
      subjectUs: median(runs.map((run) => run.subjectUs)),
      perProcess: runs.map((run) => run.ratio),
    };
  });
  const breakdown = await runChild<{ layers: Layer[] }>('webhook-per-call.ts', { mode: 'breakdown', ...plan.stub }, { POWERTOOLS_SERVICE_NAME: 'bridge-webhook' });
  progress('per-call webhook breakdown done');
  return { rows, webhookLayers: breakdown.layers };
}
