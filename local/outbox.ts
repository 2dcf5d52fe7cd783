import type { GuidanceReadyNotification, NotificationMeta, Notifier } from '../shared/ports/notifier';

export interface OutboxEntry {
  readonly publishedAt: string;
  readonly correlationId: string;
  readonly attributes: { readonly type: string; readonly event_key: string };
  readonly message: GuidanceReadyNotification;
}

/** The laptop's SNS: keeps what was published, oldest first. */
export class LocalOutbox implements Notifier {
  readonly entries: OutboxEntry[] = [];
  private readonly listeners = new Set<(entry: OutboxEntry) => void>();

  async publish(notification: GuidanceReadyNotification, { correlationId, eventKey }: NotificationMeta): Promise<void> {
    const entry = {
      publishedAt: new Date().toISOString(),
      correlationId,
      attributes: { type: notification.type, event_key: eventKey },
      // A copy, so nothing the caller holds can change what was "sent".
      message: JSON.parse(JSON.stringify(notification)) as GuidanceReadyNotification,
    };
    this.entries.push(entry);
    for (const listener of this.listeners) listener(entry);
  }

  /** Calls `listener` for each publication until the returned function is called. */
  onPublish(listener: (entry: OutboxEntry) => void): () => boolean {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }
}
