import { randomUUID } from 'node:crypto';

export interface DeadLetter {
  readonly messageId: string;
  readonly body: string;
  readonly reason: string;
  readonly correlationId: string;
  readonly deadLetteredAt: string;
}

interface StoredDeadLetter extends DeadLetter {
  readonly sentAt: number;
  visibleAt: number;
  receiptHandle: string | undefined;
}

export interface ReceivedLocalDeadLetter extends DeadLetter {
  readonly receiptHandle: string;
  readonly sentAt: number;
}

/**
 * The laptop's dead-letter queue, with SQS's semantics where `npm run ops` relies on them: a receive
 * hides a message for its visibility timeout (0: it stays visible), each receive issues a new receipt
 * handle, and only the latest handle deletes or changes the message.
 */
export class LocalDeadLetterQueue {
  private messages: StoredDeadLetter[] = [];

  constructor(private readonly now: () => number = Date.now) {}

  add(letter: Omit<DeadLetter, 'messageId' | 'deadLetteredAt'> & { messageId?: string }): void {
    const sentAt = this.now();
    this.messages.push({
      messageId: letter.messageId ?? randomUUID(),
      body: letter.body,
      reason: letter.reason,
      correlationId: letter.correlationId,
      deadLetteredAt: new Date(sentAt).toISOString(),
      sentAt,
      visibleAt: 0,
      receiptHandle: undefined,
    });
  }

  /** Every message, visible or not, oldest first (the `/_local/dead-letters` view and the tests'). */
  all(): DeadLetter[] {
    return this.messages.map(({ messageId, body, reason, correlationId, deadLetteredAt }) => ({ messageId, body, reason, correlationId, deadLetteredAt }));
  }

  counts(): { visible: number; inFlight: number } {
    const now = this.now();
    const visible = this.messages.filter((message) => message.visibleAt <= now).length;
    return { visible, inFlight: this.messages.length - visible };
  }

  receive(max: number, visibilityTimeoutSeconds: number): ReceivedLocalDeadLetter[] {
    const now = this.now();
    return this.messages
      .filter((message) => message.visibleAt <= now)
      .slice(0, Math.min(10, max))
      .map((message) => {
        message.visibleAt = now + visibilityTimeoutSeconds * 1000;
        message.receiptHandle = randomUUID();
        const { messageId, body, reason, correlationId, deadLetteredAt, sentAt } = message;
        return { messageId, body, reason, correlationId, deadLetteredAt, sentAt, receiptHandle: message.receiptHandle };
      });
  }

  changeVisibility(receiptHandle: string, visibilityTimeoutSeconds: number): void {
    const message = this.byHandle(receiptHandle);
    message.visibleAt = this.now() + visibilityTimeoutSeconds * 1000;
  }

  delete(receiptHandle: string): void {
    const message = this.byHandle(receiptHandle);
    this.messages = this.messages.filter((candidate) => candidate !== message);
  }

  /** Takes every message out, as SQS's message-move task would, oldest first. */
  drain(): DeadLetter[] {
    const all = this.all();
    this.messages = [];
    return all;
  }

  private byHandle(receiptHandle: string): StoredDeadLetter {
    const message = this.messages.find((candidate) => candidate.receiptHandle === receiptHandle);
    if (!message) throw new Error('The receipt handle is not valid (the message was received again or deleted).');
    return message;
  }
}
