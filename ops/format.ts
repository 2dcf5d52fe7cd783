import type { DeadLetterView } from './dead-letter-view';
import type { OpsStatus } from './ops-service';

/** `2d 3h`, `5m 07s`, `42s`. */
export function formatAge(seconds: number | null): string {
  if (seconds === null) return '-';
  const days = Math.floor(seconds / 86_400);
  const hours = Math.floor((seconds % 86_400) / 3600);
  const minutes = Math.floor((seconds % 3600) / 60);
  const rest = seconds % 60;
  if (days > 0) return `${days}d ${hours}h`;
  if (hours > 0) return `${hours}h ${String(minutes).padStart(2, '0')}m`;
  if (minutes > 0) return `${minutes}m ${String(rest).padStart(2, '0')}s`;
  return `${rest}s`;
}

export function formatStatus(status: OpsStatus): string {
  return [
    ['queue depth', String(status.queueDepth)],
    ['in flight', String(status.inFlight)],
    ['oldest message age', formatAge(status.oldestMessageAgeSeconds)],
    ['dead letters', String(status.deadLetters)],
    ['live sessions', String(status.liveSessions)],
  ]
    .map(([label, value]) => `${label!.padEnd(20)}${value}`)
    .join('\n');
}

/** One line per dead letter: what the fix needs (reason, who, which company), never the message body. */
export function formatDeadLetter(letter: DeadLetterView): string {
  const who = letter.bridgeUserUuid ? `bridge_user=${letter.bridgeUserUuid}` : letter.appUserId ? `app_user=${letter.appUserId}` : 'bridge_user=?';
  return [
    `  ${letter.reason}`,
    `age=${formatAge(letter.ageSeconds)}`,
    who,
    `company=${letter.company ?? '?'}`,
    `correlation_id=${letter.correlationId || '?'}`,
    `id=${letter.messageId}`,
  ].join('  ');
}
