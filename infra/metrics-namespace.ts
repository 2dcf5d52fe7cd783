import { METRICS_NAMESPACE } from '../shared/ports/metrics';

let current = METRICS_NAMESPACE;

/**
 * The custom-metrics namespace of the stack being built: the handlers' `POWERTOOLS_METRICS_NAMESPACE`
 * and every metric the alarms and dashboard read. `GuidanceRelay` for a stack without instanceName,
 * `GuidanceRelay/<instanceName>` otherwise, so two stacks in one account never alarm on each other's
 * data points. Set for the duration of one stack's (synchronous) construction by `buildApp`.
 */
export function metricsNamespace(): string {
  return current;
}

export function namespaceFor(instanceName: string | undefined): string {
  return instanceName === undefined ? METRICS_NAMESPACE : `${METRICS_NAMESPACE}/${instanceName}`;
}

/** Builds something (a stack) whose metrics live in `namespace`. */
export function withMetricsNamespace<T>(namespace: string, build: () => T): T {
  const previous = current;
  current = namespace;
  try {
    return build();
  } finally {
    current = previous;
  }
}
