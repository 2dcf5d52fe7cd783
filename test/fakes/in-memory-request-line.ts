import type { RequestLineState, RequestLineStore } from '../../shared/ports/request-line';

/**
 * Request lines in memory, with exactly DynamoRequestLineStore's writes (ADD issued; SET baseMs
 * if it is still the expected one), each atomic; the contract test keeps the two in step.
 */
export class InMemoryRequestLineStore implements RequestLineStore {
  private readonly lines = new Map<string, { issued: number; baseMs: number | undefined }>();

  async takeTicket(line: string): Promise<RequestLineState> {
    const current = this.lines.get(line) ?? { issued: 0, baseMs: undefined };
    const next = { ...current, issued: current.issued + 1 };
    this.lines.set(line, next);
    return { ...next };
  }

  async read(line: string): Promise<RequestLineState> {
    return { ...(this.lines.get(line) ?? { issued: 0, baseMs: undefined }) };
  }

  async moveBase(line: string, expectedMs: number | undefined, nextMs: number): Promise<boolean> {
    const current = this.lines.get(line) ?? { issued: 0, baseMs: undefined };
    if (current.baseMs !== expectedMs) return false;
    this.lines.set(line, { ...current, baseMs: nextMs });
    return true;
  }
}
