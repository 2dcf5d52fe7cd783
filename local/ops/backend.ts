import type { RevokeOptions, RevokeReport, RevokeScope } from '../../shared/domain/revoke-sessions';

export interface OpsStatus {
  /** Messages waiting to be delivered. */
  readonly queueDepth: number;
  /** Messages received by the worker and not yet deleted. */
  readonly inFlight: number;
  readonly oldestMessageAgeSeconds: number | null;
  readonly deadLetters: number;
  readonly liveSessions: number;
}

/** A dead letter as an operator sees it: ids and the reason, never a secret (there is none in a message). */
export interface DeadLetterView {
  readonly messageId: string;
  readonly reason: string;
  readonly correlationId: string;
  readonly type?: string;
  readonly eventKey?: string;
  readonly body: string;
}

/** What `npm run ops` can do, against a deployed stack or the laptop stack. */
export interface OpsBackend {
  status(): Promise<OpsStatus>;
  deadLetters(limit: number): Promise<DeadLetterView[]>;
  /** Moves up to `limit` dead letters back to the main queue; a redriven duplicate is still a duplicate. */
  redrive(limit: number, dryRun: boolean): Promise<{ moved: number; dryRun: boolean }>;
  revoke(scope: RevokeScope, options: RevokeOptions): Promise<RevokeReport>;
}

export function describeBody(body: string): { type?: string; eventKey?: string } {
  try {
    const parsed = JSON.parse(body) as { type?: unknown; eventKey?: unknown };
    return {
      ...(typeof parsed.type === 'string' ? { type: parsed.type } : {}),
      ...(typeof parsed.eventKey === 'string' ? { eventKey: parsed.eventKey } : {}),
    };
  } catch {
    return {};
  }
}
