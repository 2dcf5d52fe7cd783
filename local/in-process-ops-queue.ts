import type { OpsQueue, QueueDepth, ReceivedDeadLetter } from '../ops/ops-queue';
import type { InProcessQueue } from './in-process-queue';

/** The ops queue port over the laptop's in-process queue: what `npm run ops -- --local` drives, over HTTP. */
export class InProcessOpsQueue implements OpsQueue {
  constructor(private readonly queue: InProcessQueue) {}

  async depth(queue: 'main' | 'dead'): Promise<QueueDepth> {
    if (queue === 'dead') return this.queue.deadLetterQueue.counts();
    return { visible: this.queue.depth - this.queue.inFlight, inFlight: this.queue.inFlight };
  }

  async oldestMessageAgeSeconds(): Promise<number | null> {
    const oldest = this.queue.oldestSentAt();
    return oldest === undefined ? null : Math.round((Date.now() - oldest) / 1000);
  }

  async receiveDeadLetters(max: number, visibilityTimeoutSeconds: number): Promise<ReceivedDeadLetter[]> {
    return this.queue.deadLetterQueue.receive(max, visibilityTimeoutSeconds).map(({ messageId, receiptHandle, body, reason, correlationId, sentAt }) => ({
      messageId,
      receiptHandle,
      body,
      // As in SQS: a message the queue moved by itself carries no reason of ours.
      ...(reason === 'max_receives_exceeded' ? {} : { reason }),
      correlationId,
      sentAt,
    }));
  }

  async changeDeadLetterVisibility(receiptHandle: string, visibilityTimeoutSeconds: number): Promise<void> {
    this.queue.deadLetterQueue.changeVisibility(receiptHandle, visibilityTimeoutSeconds);
  }

  async deleteDeadLetter(receiptHandle: string): Promise<void> {
    this.queue.deadLetterQueue.delete(receiptHandle);
  }

  async sendToMain(body: string, correlationId: string): Promise<void> {
    this.queue.send(body, correlationId);
  }

  async moveAllDeadLetters(): Promise<string> {
    for (const letter of this.queue.deadLetterQueue.drain()) this.queue.send(letter.body, letter.correlationId);
    return `local-move-${Date.now()}`;
  }
}
