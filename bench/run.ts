/**
 * `npm run bench [-- --quick] [-- --check] [-- --only=bundles,imports,percall,worker,stack]`
 *
 * Builds every function with the stack's esbuild options, measures bundle sizes, cold import
 * CPU, CPU per call, the worker's batch latency and the laptop stack end to end, and writes
 * bench/results.md and bench/results.json (a `--quick` or `--only` run writes to bench/out/
 * instead, so the committed results always come from a full run). Every figure compared is a
 * ratio measured side by side in the same run; see bench/results.md for the method of each.
 * `--check` exits 1 when a budget is broken.
 */
import { execFileSync } from 'node:child_process';
import { mkdir, writeFile } from 'node:fs/promises';
import * as os from 'node:os';
import * as path from 'node:path';
import { PROJECT_ROOT } from '../infra/constructs/service-function';
import { buildBundle, bundleTargets, type BuiltBundle } from './build';
import { measureLocalStack, measureWorkerBatches } from './end-to-end';
import { importTargets, measureImports } from './import-cost';
import { devNode, LAMBDA_NODE_MAJOR, resolveLambdaNode, type ImportRuntime } from './lib/lambda-node';
import { measurePerCall } from './per-call';
import { evaluateBudgets } from './budgets';
import { renderMarkdown, type Machine, type Results } from './report';

const PHASES = ['bundles', 'imports', 'percall', 'worker', 'stack'] as const;
type Phase = (typeof PHASES)[number];

const PLANS = {
  full: {
    imports: { rounds: 20, warmupRounds: 1 },
    perCall: {
      processes: 3,
      stub: { rounds: 20, callsPerRound: 500, warmupCalls: 2000 },
      sdk: { rounds: 20, callsPerRound: 40, warmupCalls: 200 },
    },
    worker: { memoryRounds: 15, dynaliteRounds: 5 },
    stack: { events: 200, reveals: 1000, warmupEvents: 10, warmupReveals: 50 },
  },
  quick: {
    imports: { rounds: 5, warmupRounds: 1 },
    perCall: {
      processes: 1,
      stub: { rounds: 10, callsPerRound: 300, warmupCalls: 1000 },
      sdk: { rounds: 10, callsPerRound: 20, warmupCalls: 100 },
    },
    worker: { memoryRounds: 4, dynaliteRounds: 3 },
    stack: { events: 50, reveals: 200, warmupEvents: 5, warmupReveals: 20 },
  },
} as const;

/** Bundles also probed with the deployed NODE_OPTIONS. */
const WITH_DEPLOYED_FLAGS = ['bridge-webhook', 'reveal-api', 'session-worker'];
/** Also measured on the dev machine's node, for comparison with Lambda's (the budget's pair). */
const COMPARED_ON_DEV_NODE = ['bridge-webhook', 'peer-webhook-clients'];

const OWN_FILES = /^(bench\/|test\/fakes\/in-memory-|test\/integration\/guidance-store-contract\.test\.ts)/;

function parseArguments(argv: string[]): { check: boolean; quick: boolean; phases: Set<Phase> } {
  const known = new Set(['--check', '--quick']);
  let phases = new Set<Phase>(PHASES);
  for (const argument of argv) {
    if (argument.startsWith('--only=')) {
      const wanted = argument.slice('--only='.length).split(',');
      const unknown = wanted.filter((phase) => !(PHASES as readonly string[]).includes(phase));
      if (unknown.length) throw new Error(`Unknown phase ${unknown.join(', ')}; use ${PHASES.join(', ')}.`);
      phases = new Set(wanted as Phase[]);
    } else if (!known.has(argument)) {
      throw new Error(`Unknown argument ${argument}. Usage: npm run bench [-- --quick] [-- --check] [-- --only=${PHASES.join(',')}]`);
    }
  }
  // Imports need the bundles.
  if (phases.has('imports')) phases.add('bundles');
  return { check: argv.includes('--check'), quick: argv.includes('--quick'), phases };
}

function git(...args: string[]): string {
  try {
    return execFileSync('git', args, { cwd: PROJECT_ROOT, encoding: 'utf8' });
  } catch {
    return '';
  }
}

function describeMachine(): Omit<Machine, 'loadAverageAtEnd' | 'commitAtEnd'> {
  const cpus = os.cpus();
  // Porcelain lines are `XY path`: two status letters (either may be a space), a space, the path.
  const uncommitted = git('status', '--porcelain')
    .split('\n')
    .map((line) => line.slice(3).trim())
    .filter((file) => file && !OWN_FILES.test(file));
  return {
    date: new Date().toISOString().slice(0, 16).replace('T', ' ') + ' UTC',
    node: process.version,
    cpuModel: cpus[0]?.model.trim() ?? 'unknown',
    cores: cpus.length,
    platform: `${os.platform()} ${os.arch()}`,
    loadAverageAtStart: os.loadavg()[0] ?? 0,
    commit: currentCommit(),
    uncommitted,
  };
}

const currentCommit = () => git('rev-parse', '--short', 'HEAD').trim() || 'unknown';

async function main(): Promise<void> {
  const options = parseArguments(process.argv.slice(2));
  const mode = options.quick ? 'quick' : 'full';
  const plan = PLANS[mode];
  const started = performance.now();
  // The working tree is shared: record what was measured when the run began.
  const machineAtStart = describeMachine();
  const progress = (line: string) => console.log(`[bench ${((performance.now() - started) / 1000).toFixed(0).padStart(4)} s] ${line}`);
  progress(`${mode} run: ${[...options.phases].join(', ')}`);

  let bundles: BuiltBundle[] | undefined;
  if (options.phases.has('bundles')) {
    bundles = [];
    for (const target of bundleTargets()) bundles.push(await buildBundle(target));
    const failed = bundles.filter((bundle) => bundle.error);
    progress(`built ${bundles.length} bundles${failed.length ? `; failed: ${failed.map((bundle) => `${bundle.id} (${bundle.error})`).join(', ')}` : ''}`);
  }
  let importNodes: { lambda: ImportRuntime; dev: ImportRuntime } | undefined;
  if (options.phases.has('imports') && bundles) {
    importNodes = { lambda: resolveLambdaNode(), dev: devNode() };
    progress(`cold imports on node ${importNodes.lambda.version}${importNodes.lambda.lambda ? " (Lambda's runtime)" : ` — node@${LAMBDA_NODE_MAJOR} could not be fetched: NOT Lambda's runtime`}`);
  }
  const onDevNode = importNodes && importNodes.dev.version !== importNodes.lambda.version ? COMPARED_ON_DEV_NODE : [];
  const imports = importNodes && bundles ? await measureImports(importTargets(bundles, WITH_DEPLOYED_FLAGS, onDevNode), plan.imports, progress, importNodes) : undefined;
  const perCall = options.phases.has('percall') ? await measurePerCall(plan.perCall, progress) : undefined;
  const worker = options.phases.has('worker') ? await measureWorkerBatches(plan.worker, progress) : undefined;
  const localStack = options.phases.has('stack') ? await measureLocalStack(plan.stack, progress) : undefined;

  const measured = {
    machine: { ...machineAtStart, loadAverageAtEnd: os.loadavg()[0] ?? 0, commitAtEnd: currentCommit() },
    mode,
    plan,
    ...(bundles ? { bundles } : {}),
    ...(imports && importNodes ? { imports, importNodes: { lambda: importNodes.lambda.version, dev: importNodes.dev.version, isLambdaRuntime: importNodes.lambda.lambda } } : {}),
    ...(perCall ? { perCall } : {}),
    ...(worker ? { worker } : {}),
    ...(localStack ? { localStack } : {}),
  } as const;
  const results: Results = { ...measured, budgets: evaluateBudgets(measured), durationSeconds: (performance.now() - started) / 1000 };

  const complete = mode === 'full' && options.phases.size === PHASES.length;
  const directory = complete ? path.join(PROJECT_ROOT, 'bench') : path.join(PROJECT_ROOT, 'bench', 'out');
  const stem = complete ? 'results' : `results-${mode}`;
  await mkdir(directory, { recursive: true });
  await writeFile(path.join(directory, `${stem}.json`), `${JSON.stringify(results, null, 2)}\n`);
  await writeFile(path.join(directory, `${stem}.md`), renderMarkdown(results));

  for (const budget of results.budgets) {
    const verdict = budget.pass === undefined ? 'not measured' : budget.pass ? 'pass' : 'FAIL';
    progress(`${verdict.padEnd(12)} ${budget.label}: ${budget.measured} (limit ${budget.limit})`);
  }
  progress(`wrote ${path.relative(PROJECT_ROOT, path.join(directory, `${stem}.md`))} and .json in ${results.durationSeconds.toFixed(0)} s`);
  if (options.check && results.budgets.some((budget) => budget.pass === false)) process.exitCode = 1;
}

main().catch((error: unknown) => {
  console.error(error instanceof Error ? (error.stack ?? error.message) : String(error));
  process.exitCode = 2;
});
