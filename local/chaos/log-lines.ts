/** Why the worker asked for retries, read from its structured log lines ("Guidance event will be retried"). */
export function retryReasons(output: string): Record<string, number> {
  const reasons: Record<string, number> = {};
  for (const line of output.split('\n')) {
    if (!line.startsWith('{') || !line.includes('will be retried')) continue;
    try {
      const { message, reason } = JSON.parse(line) as { message?: unknown; reason?: unknown };
      if (message === 'Guidance event will be retried' && typeof reason === 'string') reasons[reason] = (reasons[reason] ?? 0) + 1;
    } catch {
      // not a log line of ours
    }
  }
  return reasons;
}
