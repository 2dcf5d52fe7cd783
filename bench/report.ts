import type { BuiltBundle } from './build';
import type { LocalStackResult } from './children/local-stack';
import type { WorkerBatchResult } from './end-to-end';
import { ON_DEV_NODE, type ImportResult } from './import-cost';
import type { Budget } from './budgets';
import { ms, ratio } from './lib/format';
import type { Layer, PerCallRow } from './per-call';
import { quantile } from './lib/stats';

export interface Machine {
  readonly date: string;
  readonly node: string;
  readonly cpuModel: string;
  readonly cores: number;
  readonly platform: string;
  readonly loadAverageAtStart: number;
  readonly loadAverageAtEnd: number;
  /** HEAD when the run began, and when it ended (others commit to this working tree). */
  readonly commit: string;
  readonly commitAtEnd: string;
  /** Files outside the bench that differed from the commit when the run began. */
  readonly uncommitted: string[];
}

export interface Results {
  readonly machine: Machine;
  readonly mode: 'full' | 'quick';
  readonly durationSeconds: number;
  readonly plan: unknown;
  readonly bundles?: BuiltBundle[];
  readonly imports?: ImportResult[];
  /** The node versions cold imports ran on: Lambda's major (from the node@ package), and the dev machine's. */
  readonly importNodes?: { readonly lambda: string; readonly dev: string; readonly isLambdaRuntime: boolean };
  readonly perCall?: { rows: PerCallRow[]; webhookLayers: Layer[] };
  readonly worker?: WorkerBatchResult[];
  readonly localStack?: LocalStackResult;
  readonly budgets: Budget[];
}

const us = (value: number) => value.toFixed(1);
const verdict = (pass: boolean | undefined) => (pass === undefined ? '—' : pass ? 'pass' : '**FAIL**');
const row = (cells: (string | number)[]) => `| ${cells.join(' | ')} |`;

export function renderMarkdown(results: Results): string {
  const { machine } = results;
  const lines: string[] = [
    '# guidance-relay benchmark results',
    '',
    `Written by \`npm run bench\` (${results.mode} run, ${Math.round(results.durationSeconds)} s).`,
    '',
    row(['date', 'node', 'CPU', 'cores', 'platform', 'load average (start → end)', 'commit']),
    row(['---', '---', '---', '---', '---', '---', '---']),
    row([
      machine.date,
      machine.node,
      machine.cpuModel,
      machine.cores,
      machine.platform,
      `${machine.loadAverageAtStart.toFixed(2)} → ${machine.loadAverageAtEnd.toFixed(2)}`,
      `${machine.commit}${machine.uncommitted.length ? ` + uncommitted changes to ${machine.uncommitted.length} files` : ''}`,
    ]),
    '',
    'Every comparison is a ratio measured side by side in this run (interleaved, fresh processes where',
    'stated, medians); absolute times are given for orientation and are not comparable across runs.',
    'Bundles are built with `FUNCTION_ESBUILD_OPTIONS` from infra/constructs/service-function.ts. 1 KB = 1,000 bytes; gzip at zlib’s default level.',
    '',
  ];
  if (machine.commitAtEnd !== machine.commit) lines.push(`HEAD moved during the run, from ${machine.commit} to ${machine.commitAtEnd}: later phases may have measured newer code.`, '');
  if (machine.uncommitted.length) lines.push(`Uncommitted changes (not the bench's) in the working tree when the run began: ${machine.uncommitted.map((file) => `\`${file}\``).join(', ')}.`, '');

  lines.push('## Budgets (`npm run bench -- --check`)', '', row(['budget', 'limit', 'measured', 'verdict']), row(['---', '---', '---', '---']));
  for (const budget of results.budgets) lines.push(row([budget.label, budget.limit, budget.measured, verdict(budget.pass)]));
  lines.push('');

  if (results.bundles) {
    lines.push('## 1. Bundle sizes', '', row(['bundle', 'bytes', 'gzip bytes', 'source map bytes', 'largest parts (bytes in output)']), row(['---', '---:', '---:', '---:', '---']));
    for (const bundle of results.bundles.filter((candidate) => candidate.kind === 'function' || candidate.kind === 'reference')) {
      lines.push(
        row([
          bundle.label,
          bundle.error ? `build failed: ${bundle.error}` : bundle.bytes,
          bundle.gzipBytes,
          bundle.mapBytes,
          bundle.topInputs
            .slice(0, 5)
            .map((input) => `${input.name} ${Math.round(input.bytes / 1000)} KB`)
            .join(', '),
        ]),
      );
    }
    lines.push('');
  }

  if (results.imports) {
    const byId = new Map(results.imports.map((result) => [result.id, result]));
    const bundles = new Map((results.bundles ?? []).map((bundle) => [bundle.id, bundle]));
    const importRow = (result: ImportResult) =>
      row([
        result.label,
        ratio(result.ratio.median),
        `${ratio(result.ratio.ci90[0])}–${ratio(result.ratio.ci90[1])}`,
        `${ratio(result.ratio.p25)}–${ratio(result.ratio.p75)}`,
        result.ratio.n,
        ms(result.cpuMs),
        bundles.get(result.id.replace('@deployed-flags', '').replace(ON_DEV_NODE, ''))?.gzipBytes ?? '',
        result.error ? `throws at init: ${result.error}` : '',
      ]);
    const header = [
      row(['bundle', 'CPU ratio to reference (median)', '90% CI of the median', 'IQR of samples', 'samples', 'CPU ms (this run)', 'gzip bytes', 'note']),
      row(['---', '---:', '---', '---', '---:', '---:', '---:', '---']),
    ];
    lines.push(
      '## 2. Cold import CPU',
      '',
      results.importNodes?.isLambdaRuntime
        ? `On node ${results.importNodes.lambda}, the functions' runtime major (the \`node@22\` package, as \`npm run test:node22\` uses), not the dev machine's ${results.importNodes.dev}.`
        : `**On node ${results.importNodes?.lambda ?? '?'}: Lambda's node could not be fetched, so these are not the functions' runtime.**`,
      '',
      '`process.cpuUsage()` around `await import(bundle)` in a fresh `node` per sample (bench/import-probe.mjs), with every',
      'variable of shared/config.ts set to a dummy value. Each round takes every target once in a new random order, with a',
      'sample of the reference bundle (a bare `SQSClient`, built the same way) before, after and between every 5 targets;',
      'each sample is divided by the mean of the two reference samples around it. Median over rounds, bootstrap 90% CI.',
      'The reference row shows the reference against itself: the noise floor of one sample.',
      '',
      ...header,
    );
    const onLambdaNode = results.imports.filter((candidate) => !candidate.onDevNode);
    for (const result of onLambdaNode.filter((candidate) => candidate.nodeOptions === '' && ['function', 'reference'].includes(bundles.get(candidate.id)?.kind ?? ''))) {
      lines.push(importRow(result));
    }
    lines.push(
      '',
      '### As deployed: with `NODE_OPTIONS=--enable-source-maps` (set on every function by ServiceFunction)',
      '',
      'Ratio to the reference run with the same flag; the last column is the flag’s own cost: this bundle with the flag / without it, same round.',
      '',
      row(['bundle', 'CPU ratio to reference with the flag (median)', '90% CI', 'samples', 'CPU ms (this run)', 'with / without the flag']),
      row(['---', '---:', '---', '---:', '---:', '---:']),
    );
    for (const result of results.imports.filter((candidate) => candidate.nodeOptions !== '')) {
      lines.push(
        row([
          result.label,
          ratio(result.ratio.median),
          `${ratio(result.ratio.ci90[0])}–${ratio(result.ratio.ci90[1])}`,
          result.ratio.n,
          ms(result.cpuMs),
          result.flagsOverhead ? `${ratio(result.flagsOverhead.median)}× (90% CI ${ratio(result.flagsOverhead.ci90[0])}–${ratio(result.flagsOverhead.ci90[1])})` : '',
        ]),
      );
    }
    lines.push('', '### What the import costs: reference + one part', '', ...header);
    for (const result of onLambdaNode.filter((candidate) => bundles.get(candidate.id)?.kind === 'part' && candidate.nodeOptions === '')) {
      lines.push(importRow(result));
    }
    lines.push('', '### Variants of the real webhook bundle (one dependency swapped)', '', ...header);
    for (const result of onLambdaNode.filter((candidate) => bundles.get(candidate.id)?.kind === 'variant' && candidate.nodeOptions === '')) {
      lines.push(importRow(result));
    }
    const webhook = byId.get('bridge-webhook');
    const peer = byId.get('peer-webhook-clients');
    const floor = byId.get('peer-with-fixed-stack');
    if (webhook && peer) {
      lines.push('', `The webhook's budget is 1.15 of its peer (the same two AWS clients); it measures ${ratio(webhook.ratio.median / peer.ratio.median)}.`);
      if (floor) {
        lines.push(
          `The peer with the stack every function is built on (middy, Powertools logger and metrics) and no webhook code measures ${ratio(floor.ratio.median / peer.ratio.median)} of the peer;`,
          `the webhook (its own code on top: signature, validation, use case, HTTP mapping, secret source) / that floor = ${ratio(webhook.ratio.median / floor.ratio.median)}.`,
        );
      }
    }
    const devRows = results.imports.filter((candidate) => candidate.onDevNode);
    const devWebhook = byId.get(`bridge-webhook${ON_DEV_NODE}`);
    const devPeer = byId.get(`peer-webhook-clients${ON_DEV_NODE}`);
    if (devRows.length > 0) {
      lines.push(
        '',
        `### For comparison: on the dev machine's node (${results.importNodes?.dev ?? '?'})`,
        '',
        "Ratio to the reference on the same node; the reference's row is its CPU on this node / on Lambda's.",
        '',
        ...header,
        ...[...devRows].sort((a, b) => Number(b.id.startsWith('reference')) - Number(a.id.startsWith('reference'))).map(importRow),
      );
      if (devWebhook && devPeer) lines.push('', `On this node the webhook measures ${ratio(devWebhook.ratio.median / devPeer.ratio.median)} of its peer.`);
    }
    lines.push('');
  }

  if (results.perCall) {
    lines.push(
      '## 3. CPU per call',
      '',
      'In one process per row: alternating batches of the handler and of the floor (HMAC-SHA256 + `JSON.parse` of the',
      'same webhook body), median of the per-round ratios; several processes where stated (median of their medians).',
      '',
      row(['measure', 'ratio to floor (median)', 'IQR (all rounds)', 'processes', 'µs per call (this run)', 'floor µs']),
      row(['---', '---:', '---', '---:', '---:', '---:']),
    );
    for (const measure of results.perCall.rows) {
      lines.push(row([measure.label, `${ratio(measure.ratio)}×`, `${ratio(measure.ratioP25)}–${ratio(measure.ratioP75)}`, measure.processes, us(measure.subjectUs), us(measure.floorUs)]));
    }
    lines.push('', '### The webhook, layer by layer (one process, each layer against the floor)', '', row(['layer', 'ratio to floor', 'IQR', 'µs per call']), row(['---', '---:', '---', '---:']));
    for (const layer of results.perCall.webhookLayers) {
      lines.push(row([layer.label, `${ratio(layer.ratio)}×`, `${ratio(layer.ratioP25)}–${ratio(layer.ratioP75)}`, us(layer.subjectUs)]));
    }
    lines.push('');
  }

  if (results.worker) {
    lines.push(
      '## 4. Worker: a batch of 10 against one Bridge round trip',
      '',
      'createWorkerHandler on an SQS batch of 10 new events (10 users), the Bridge simulator over real HTTP with',
      '`latencyMs = 200` in its own process, the local AES-GCM cipher and outbox, logs and metrics as in Lambda; alternated',
      'round by round with one bare round trip to the same simulator. Wall-clock ratio, median of rounds.',
      '',
      row(['storage ports', 'batch / round trip (median)', 'IQR', 'rounds', 'batch ms', 'round trip ms', 'batch CPU ms']),
      row(['---', '---:', '---', '---:', '---:', '---:', '---:']),
    );
    for (const result of results.worker) {
      const label = result.storage === 'memory' ? '(a) in-memory fakes (test/fakes/in-memory-*.ts) — budgeted' : '(b) DynamoDB adapters on dynalite — reference only';
      const ratios = result.rounds.map((round) => round.ratio);
      lines.push(
        row([label, `${ratio(result.ratio)}×`, `${ratio(quantile(ratios, 0.25))}–${ratio(quantile(ratios, 0.75))}`, result.rounds.length, ms(result.batchMs), ms(result.roundTripMs), ms(result.batchCpuMs)]),
      );
    }
    lines.push(
      '',
      'The records run concurrently, so the batch takes about one round trip plus the CPU of all ten records, which the',
      'event loop runs one after another: the batch CPU column is what the margin to the budget is made of.',
    );
    lines.push('');
  }

  if (results.localStack) {
    const stack = results.localStack;
    lines.push(
      '## 5. Laptop stack end to end (`startLocalStack({ env: { PORT: "0" } })`, over HTTP)',
      '',
      row(['path', 'n', 'p50 ms', 'p90 ms', 'p99 ms', 'max ms']),
      row(['---', '---:', '---:', '---:', '---:', '---:']),
    );
    const latencyRow = (label: string, value: LocalStackResult['reveal']) => row([label, value.n, ms(value.p50Ms), ms(value.p90Ms), ms(value.p99Ms), ms(value.maxMs)]);
    lines.push(latencyRow('signed webhook sent → notification in the outbox (one at a time, a new company each)', stack.webhookToNotification));
    lines.push(latencyRow('signed webhook sent → 200 accepted', stack.webhookAccepted));
    lines.push(latencyRow('POST /guidance/{company}/reveal, demo user token, sequential', stack.reveal));
    lines.push('');
  }
  return `${lines.join('\n')}\n`;
}
