import { execFile } from 'node:child_process';
import * as path from 'node:path';
import { promisify } from 'node:util';
import { PROJECT_ROOT } from '../infra/constructs/service-function';
import type { BuiltBundle } from './build';
import { baseChildEnv } from './lib/child';
import type { ImportRuntime } from './lib/lambda-node';
import { median, quantile, shuffle } from './lib/stats';

const run = promisify(execFile);
const PROBE = path.join(PROJECT_ROOT, 'bench', 'import-probe.mjs');

/** What every function reads at cold start (shared/config.ts), set to dummy values, plus what Lambda and the construct set. */
export const LAMBDA_ENV: Record<string, string> = {
  QUEUE_URL: 'https://sqs.eu-west-1.amazonaws.com/123456789012/guidance-relay-events',
  WEBHOOK_SECRET_ID: 'guidance-relay/webhook',
  TABLE_NAME: 'guidance-relay',
  SESSION_TABLE_NAME: 'guidance-relay-sessions',
  PASSWORD_KEY_ARN: 'arn:aws:kms:eu-west-1:123456789012:key/00000000-0000-4000-8000-000000000000',
  TOPIC_ARN: 'arn:aws:sns:eu-west-1:123456789012:guidance-ready',
  DEAD_LETTER_QUEUE_URL: 'https://sqs.eu-west-1.amazonaws.com/123456789012/guidance-relay-dlq',
  BRIDGE_API_URL: 'https://api.bridgeapi.io',
  BRIDGE_CREDENTIALS_SECRET_ID: 'guidance-relay/bridge-credentials',
  JWT_ISSUER: 'https://cognito-idp.eu-west-1.amazonaws.com/eu-west-1_bench',
  JWT_AUDIENCE: 'bench-client',
  AWS_REGION: 'eu-west-1',
  AWS_DEFAULT_REGION: 'eu-west-1',
  AWS_LAMBDA_FUNCTION_NAME: 'guidance-relay-bench',
  AWS_LAMBDA_FUNCTION_MEMORY_SIZE: '256',
  AWS_SESSION_TOKEN: 'benchmark-session-token',
  POWERTOOLS_SERVICE_NAME: 'guidance-relay',
  POWERTOOLS_METRICS_NAMESPACE: 'GuidanceRelay',
};

/** As deployed: infra/constructs/service-function.ts sets this NODE_OPTIONS on every function. */
export const DEPLOYED_NODE_OPTIONS = '--enable-source-maps';

/** A reference sample is taken before the first target of a round, after the last, and between every this many targets. */
const TARGETS_PER_BRACKET = 5;

export interface ImportTarget {
  readonly id: string;
  readonly label: string;
  readonly file: string;
  readonly nodeOptions: string;
  /** On the dev machine's node instead of Lambda's (for comparison). */
  readonly onDevNode?: boolean;
  /** The same bundle without flags, when this target runs with the deployed NODE_OPTIONS. */
  readonly plainId?: string;
}

/** Suffix of the targets run on the dev machine's node. */
export const ON_DEV_NODE = '@dev-node';

export interface RatioEstimate {
  readonly median: number;
  readonly p25: number;
  readonly p75: number;
  /** 90% bootstrap confidence interval of the median (rounds resampled). */
  readonly ci90: readonly [number, number];
  readonly n: number;
}

export interface ImportResult {
  readonly id: string;
  readonly label: string;
  readonly nodeOptions: string;
  readonly onDevNode?: boolean;
  /** CPU of this import / CPU of the reference's import (bracketing samples; for flagged targets, the flagged reference). */
  readonly ratio: RatioEstimate;
  /** This run only: absolute times are not comparable across runs or machines. */
  readonly cpuMs: number;
  readonly wallMs: number;
  /** For a target with the deployed flags: its CPU / the same bundle's without them. */
  readonly flagsOverhead?: RatioEstimate;
  readonly error?: string;
  /** Every sample of this target: CPU ms, and CPU / mean of the two reference samples around it. */
  readonly samples: { cpuMs: number; normalised: number }[];
}

interface Sample {
  readonly cpuMs: number;
  readonly wallMs: number;
  readonly error?: string;
}

const REFERENCE: Omit<ImportTarget, 'file'> = { id: 'reference', label: 'reference: a bare SQSClient', nodeOptions: '' };

async function probe(node: string, file: string, nodeOptions: string): Promise<Sample> {
  const { stdout } = await run(node, [PROBE, file], {
    cwd: path.dirname(file),
    env: baseChildEnv({ ...LAMBDA_ENV, ...(nodeOptions ? { NODE_OPTIONS: nodeOptions } : {}) }),
    maxBuffer: 1024 * 1024,
  });
  return JSON.parse(stdout.trim().split('\n').pop() ?? '') as Sample;
}

/**
 * Every built bundle but the reference, plain; then the reference and `withDeployedFlags` again with
 * the deployed NODE_OPTIONS; then the reference and `onDevNode` again on the dev machine's node.
 */
export function importTargets(bundles: readonly BuiltBundle[], withDeployedFlags: readonly string[], onDevNode: readonly string[] = []): { reference: string; targets: ImportTarget[] } {
  const built = bundles.filter((bundle) => !bundle.error).map((bundle) => ({ ...bundle, file: path.join(PROJECT_ROOT, bundle.file) }));
  const reference = built.find((bundle) => bundle.id === REFERENCE.id);
  if (!reference) throw new Error('The reference bundle did not build.');
  const plain = built.filter((bundle) => bundle.id !== REFERENCE.id).map((bundle) => ({ id: bundle.id, label: bundle.label, file: bundle.file, nodeOptions: '' }));
  const flagged = built
    .filter((bundle) => bundle.id === REFERENCE.id || withDeployedFlags.includes(bundle.id))
    .map((bundle) => ({
      id: `${bundle.id}@deployed-flags`,
      label: `${bundle.label} (NODE_OPTIONS=${DEPLOYED_NODE_OPTIONS})`,
      file: bundle.file,
      nodeOptions: DEPLOYED_NODE_OPTIONS,
      ...(bundle.id === REFERENCE.id ? {} : { plainId: bundle.id }),
    }));
  const devNode = built
    .filter((bundle) => onDevNode.length > 0 && (bundle.id === REFERENCE.id || onDevNode.includes(bundle.id)))
    .map((bundle) => ({ id: `${bundle.id}${ON_DEV_NODE}`, label: bundle.label, file: bundle.file, nodeOptions: '', onDevNode: true }));
  return { reference: reference.file, targets: [...plain, ...flagged, ...devNode] };
}

/**
 * Cold import CPU of each target as a ratio to the reference bundle. A fresh `node` per sample;
 * each round takes every target once in a new random order, with a reference sample before the
 * first, after the last and between every few targets; each target sample is divided by the
 * mean of the two reference samples around it (seconds apart, so a shared machine's drift
 * cancels), and the answer is the median over rounds, with a bootstrap 90% interval. A target
 * run with the deployed NODE_OPTIONS is divided, in the end, by the reference run with them.
 */
export async function measureImports(
  setup: { reference: string; targets: readonly ImportTarget[] },
  plan: { rounds: number; warmupRounds: number },
  progress: (line: string) => void,
  nodes: { readonly lambda: ImportRuntime; readonly dev: ImportRuntime },
): Promise<ImportResult[]> {
  const nodeOf = (target: { onDevNode?: boolean }) => (target.onDevNode ? nodes.dev.path : nodes.lambda.path);
  const samples = new Map<string, { sample: Sample; normalised: number }[]>([[REFERENCE.id, []], ...setup.targets.map((target) => [target.id, []] as [string, []])]);
  for (let round = 0; round < plan.warmupRounds + plan.rounds; round += 1) {
    const order = shuffle([...setup.targets]);
    let before = await probe(nodes.lambda.path, setup.reference, '');
    for (let start = 0; start < order.length; start += TARGETS_PER_BRACKET) {
      const chunk: [ImportTarget, Sample][] = [];
      for (const target of order.slice(start, start + TARGETS_PER_BRACKET)) chunk.push([target, await probe(nodeOf(target), target.file, target.nodeOptions)]);
      const after = await probe(nodes.lambda.path, setup.reference, '');
      const bracket = (before.cpuMs + after.cpuMs) / 2;
      if (round >= plan.warmupRounds) {
        for (const [target, sample] of chunk) samples.get(target.id)?.push({ sample, normalised: sample.cpuMs / bracket });
        samples.get(REFERENCE.id)?.push({ sample: after, normalised: after.cpuMs / before.cpuMs });
      }
      before = after;
    }
    if (round >= plan.warmupRounds) progress(`import round ${round + 1 - plan.warmupRounds}/${plan.rounds}`);
  }

  const normalised = (id: string) => (samples.get(id) ?? []).map((entry) => entry.normalised);
  const flaggedReference = median(normalised(`${REFERENCE.id}@deployed-flags`));
  const devNodeReference = median(normalised(`${REFERENCE.id}${ON_DEV_NODE}`));
  const describe = (id: string, label: string, nodeOptions: string, divisor: number, plainId?: string, onDevNode?: boolean): ImportResult => {
    const own = samples.get(id) ?? [];
    const values = own.map((entry) => entry.normalised / divisor);
    const error = own.find((entry) => entry.sample.error)?.sample.error;
    const plain = plainId ? normalised(plainId) : undefined;
    return {
      id,
      label,
      nodeOptions,
      ...(onDevNode ? { onDevNode } : {}),
      ratio: estimate(values),
      cpuMs: median(own.map((entry) => entry.sample.cpuMs)),
      wallMs: median(own.map((entry) => entry.sample.wallMs)),
      ...(plain ? { flagsOverhead: estimate(own.map((entry) => entry.normalised / median(plain))) } : {}),
      ...(error ? { error } : {}),
      samples: own.map((entry) => ({ cpuMs: round3(entry.sample.cpuMs), normalised: round3(entry.normalised) })),
    };
  };
  return [
    describe(REFERENCE.id, REFERENCE.label, '', 1),
    ...setup.targets.map((target) => {
      // On the dev machine's node: a ratio to the reference on that node; the reference's own row, to Lambda's node.
      if (target.onDevNode) return describe(target.id, target.label, '', target.id === `${REFERENCE.id}${ON_DEV_NODE}` ? 1 : devNodeReference, undefined, true);
      if (target.nodeOptions === '') return describe(target.id, target.label, '', 1, target.plainId);
      const result = describe(target.id, target.label, target.nodeOptions, flaggedReference, target.plainId);
      // The flagged reference against the plain one is the flag's own cost on the reference.
      return target.plainId ? result : { ...result, flagsOverhead: estimate(normalised(target.id)) };
    }),
  ];
}

function estimate(values: readonly number[]): RatioEstimate {
  return { median: median(values), p25: quantile(values, 0.25), p75: quantile(values, 0.75), ci90: bootstrapMedian(values), n: values.length };
}

/** Percentile bootstrap of the median: 2,000 resamples. */
function bootstrapMedian(values: readonly number[]): [number, number] {
  if (values.length < 2) return [Number.NaN, Number.NaN];
  const medians: number[] = [];
  for (let resample = 0; resample < 2000; resample += 1) {
    const drawn = Array.from({ length: values.length }, () => values[Math.floor(Math.random() * values.length)] ?? Number.NaN);
    medians.push(median(drawn));
  }
  return [quantile(medians, 0.05), quantile(medians, 0.95)];
}

const round3 = (value: number) => Math.round(value * 1000) / 1000;
