import { randomBytes, randomUUID } from 'node:crypto';
import type { BridgeClient, BridgeGuidanceSession, GuidanceSessionRequest } from '../../shared/ports/bridge-client';

/**
 * A Bridge whose answers the test releases one at a time, in the order it chooses: concurrent
 * callers interleave exactly as scripted instead of racing real timers.
 */
export class GatedBridge implements BridgeClient {
  readonly requests: GuidanceSessionRequest[] = [];
  readonly issued: BridgeGuidanceSession[] = [];
  private readonly waiting: (() => void)[] = [];
  private readonly arrivals: (() => void)[] = [];

  async createGuidanceSession(request: GuidanceSessionRequest): Promise<BridgeGuidanceSession> {
    this.requests.push(request);
    const released = new Promise<void>((resolve) => this.waiting.push(resolve));
    this.arrivals.splice(0).forEach((notify) => notify());
    await released;
    const session = {
      id: randomUUID(),
      url: `https://guidance.example/${randomUUID()}?token=${randomBytes(8).toString('hex')}`,
      password: `pw-${randomBytes(9).toString('base64url')}`,
    };
    this.issued.push(session);
    return session;
  }

  /** How many calls wait for an answer. */
  get pending(): number {
    return this.waiting.length;
  }

  /** Resolves once `count` calls are waiting. */
  async untilPending(count: number): Promise<void> {
    while (this.waiting.length < count) await new Promise<void>((resolve) => this.arrivals.push(resolve));
  }

  /** Answers the oldest waiting call. */
  answerNext(): void {
    const next = this.waiting.shift();
    if (!next) throw new Error('No Bridge call is waiting.');
    next();
  }
}
