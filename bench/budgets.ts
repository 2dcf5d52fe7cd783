import type { Results } from './report';
import { kb, ms, ratio } from './lib/format';
import { FUNCTION_NAMES } from '../infra/constructs/service-function';

export interface Budget {
  readonly id: string;
  readonly label: string;
  readonly limit: string;
  readonly measured: string;
  /** undefined: not measured in this run (`--only`). */
  readonly pass: boolean | undefined;
}

/**
 * The `--check` gate: the issue's budgets, plus one this bench adds: every function must initialise.
 * The webhook's import and per-call budgets are ratios to peers (the same clients; the same work
 * written by hand), measured side by side in the same run.
 */
export function evaluateBudgets(results: Omit<Results, 'budgets' | 'durationSeconds'>): Budget[] {
  const budgets: Budget[] = [];
  const bundle = (id: string) => results.bundles?.find((candidate) => candidate.id === id);
  for (const [id, limitKb] of [
    ['bridge-webhook', 110],
    ['reveal-api', 110],
    ['session-worker', 140],
  ] as const) {
    const built = bundle(id);
    budgets.push({
      id: `bundle-gzip:${id}`,
      label: `${id} bundle, gzipped`,
      limit: `≤ ${limitKb} KB`,
      measured: built ? (built.error ? `build failed: ${built.error}` : `${kb(built.gzipBytes)} KB`) : 'not measured',
      pass: built ? !built.error && built.gzipBytes <= limitKb * 1000 : undefined,
    });
  }
  // Against its peer: a bundle of the same two AWS clients with the same options (both are ratios to the same reference samples).
  const webhookImport = results.imports?.find((result) => result.id === 'bridge-webhook');
  const peerImport = results.imports?.find((result) => result.id === 'peer-webhook-clients');
  const importRatio = webhookImport && peerImport ? webhookImport.ratio.median / peerImport.ratio.median : undefined;
  budgets.push({
    id: 'import-ratio:bridge-webhook/peer',
    label: `bridge-webhook cold import CPU on ${results.importNodes?.isLambdaRuntime ? "Lambda's" : 'NOT Lambda\'s'} node (${results.importNodes?.lambda ?? '?'}) / a peer bundle of the same AWS clients (SQS + Secrets Manager)`,
    limit: '≤ 1.15',
    measured: importRatio === undefined ? 'not measured' : `${ratio(importRatio)} (${ratio(webhookImport!.ratio.median)} / ${ratio(peerImport!.ratio.median)} of the reference)`,
    pass: importRatio === undefined ? undefined : !webhookImport!.error && !peerImport!.error && importRatio <= 1.15 && results.importNodes?.isLambdaRuntime === true,
  });
  const functionImports = results.imports?.filter((result) => result.nodeOptions === '' && results.bundles?.find((b) => b.id === result.id)?.kind === 'function');
  const failing = functionImports?.filter((result) => result.error) ?? [];
  budgets.push({
    id: 'init:all-functions',
    label: 'every function bundle imports without throwing (added by this bench)',
    limit: `${FUNCTION_NAMES.length} of ${FUNCTION_NAMES.length}`,
    measured: functionImports ? `${functionImports.length - failing.length} of ${functionImports.length}${failing.length ? ` (throw: ${failing.map((result) => result.id).join(', ')})` : ''}` : 'not measured',
    pass: functionImports ? failing.length === 0 && functionImports.length === FUNCTION_NAMES.length : undefined,
  });
  const webhookPeer = results.perCall?.rows.find((row) => row.id === 'webhook-peer');
  budgets.push({
    id: 'per-call:webhook/peer',
    label: 'webhook CPU per call / a minimal hand-written peer doing the same work (same SDK, same canned transport, INFO)',
    limit: '≤ 1.5×',
    measured: webhookPeer ? `${ratio(webhookPeer.ratio)}×` : 'not measured',
    pass: webhookPeer ? webhookPeer.ratio <= 1.5 : undefined,
  });
  const memory = results.worker?.find((result) => result.storage === 'memory');
  budgets.push({
    id: 'worker-batch:memory',
    label: 'worker batch of 10 (in-memory ports) / one Bridge round trip',
    limit: '≤ 1.3×',
    measured: memory ? `${ratio(memory.ratio)}×` : 'not measured',
    pass: memory ? memory.ratio <= 1.3 : undefined,
  });
  const stack = results.localStack;
  budgets.push({
    id: 'e2e:webhook-to-notification-p50',
    label: 'laptop stack, webhook → notification p50',
    limit: '< 1 s',
    measured: stack ? `${ms(stack.webhookToNotification.p50Ms)} ms` : 'not measured',
    pass: stack ? stack.webhookToNotification.p50Ms < 1000 : undefined,
  });
  return budgets;
}

