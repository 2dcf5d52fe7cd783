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

/** The `--check` gate: the issue's budgets, plus one this bench adds: every function must initialise. */
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
  const webhookImport = results.imports?.find((result) => result.id === 'bridge-webhook');
  budgets.push({
    id: 'import-ratio:bridge-webhook',
    label: 'bridge-webhook cold import CPU / reference',
    limit: '≤ 1.10',
    measured: webhookImport ? `${ratio(webhookImport.ratio.median)} (90% CI ${ratio(webhookImport.ratio.ci90[0])}–${ratio(webhookImport.ratio.ci90[1])})` : 'not measured',
    pass: webhookImport ? !webhookImport.error && webhookImport.ratio.median <= 1.1 : undefined,
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
  const webhookInfo = results.perCall?.rows.find((row) => row.id === 'webhook-info');
  budgets.push({
    id: 'per-call:webhook',
    label: 'webhook CPU per call / floor, production config (INFO)',
    limit: '≤ 2×',
    measured: webhookInfo ? `${ratio(webhookInfo.ratio)}×` : 'not measured',
    pass: webhookInfo ? webhookInfo.ratio <= 2 : undefined,
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

