import { randomBytes, randomUUID } from 'node:crypto';
import type { BridgeClient, BridgeGuidanceSession, GuidanceSessionRequest } from '../../shared/ports/bridge-client';

/** An in-memory Bridge: records every request, answers fresh secrets, or throws what it is told to. */
export class FakeBridge implements BridgeClient {
  readonly requests: GuidanceSessionRequest[] = [];
  readonly issued: BridgeGuidanceSession[] = [];
  readonly failures: Error[] = [];
  delayMs = 0;

  async createGuidanceSession(request: GuidanceSessionRequest): Promise<BridgeGuidanceSession> {
    this.requests.push(request);
    if (this.delayMs > 0) await new Promise((resolve) => setTimeout(resolve, this.delayMs));
    const failure = this.failures.shift();
    if (failure) throw failure;
    const session = {
      id: randomUUID(),
      url: `https://guidance.example/${randomUUID()}?token=${randomBytes(8).toString('hex')}`,
      password: `pw-${randomBytes(9).toString('base64url')}`,
    };
    this.issued.push(session);
    return session;
  }
}
