import type { MetricsSink } from '../ports/metrics';
import type { BridgeAttempt } from './fetch-bridge-client';

/** Bridge calls by status class, their latency, and sessions Bridge created. */
export function recordBridgeAttempt(metrics: MetricsSink): (attempt: BridgeAttempt) => void {
  return ({ status, latencyMs }) => {
    metrics.count('BridgeCalls', { status });
    metrics.milliseconds('BridgeLatency', latencyMs);
    if (status === '2xx') metrics.count('SessionsCreated');
  };
}

/** Failed KMS calls by operation. */
export function recordKmsError(metrics: MetricsSink): (operation: 'Encrypt' | 'Decrypt') => void {
  return (operation) => metrics.count('KmsErrors', { operation });
}
