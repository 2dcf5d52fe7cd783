/** Where a message that can never succeed goes, with the reason (never a secret) beside it. */
export interface DeadLetterSink {
  deadLetter(messageBody: string, reason: string, correlationId: string): Promise<void>;
}
