/**
 * The server's clock as seen through HTTP `Date` headers, so an expiry countdown does not depend on
 * the device's clock (phones and laptops drift by minutes). `Date` has a one-second resolution, so
 * an offset is good to about ±1 s: enough for a 30-minute password.
 */
export class ServerClock {
  private offsetMs = 0;
  private known = false;

  /** Records the `Date` header of an answer received at `receivedAtMs` (device time). */
  observe(dateHeader: string | null | undefined, receivedAtMs: number): void {
    if (!dateHeader) return;
    const serverMs = Date.parse(dateHeader);
    if (Number.isNaN(serverMs)) return;
    // The header is truncated to the second: its middle is the best single estimate.
    this.offsetMs = serverMs + 500 - receivedAtMs;
    this.known = true;
  }

  /** Server time minus device time, in ms; 0 until an answer with a `Date` header arrived. */
  get serverTimeOffsetMs(): number {
    return this.offsetMs;
  }

  /** Whether any answer has told the offset yet. */
  get synchronised(): boolean {
    return this.known;
  }

  /** Milliseconds until `expiresAt` (ISO 8601) by the server's clock; never below 0. */
  expiresInMs(expiresAt: string, deviceNowMs: number = Date.now()): number {
    return expiresInMs(expiresAt, this.offsetMs, deviceNowMs);
  }
}

/** Milliseconds until `expiresAt`, given the server−device offset; 0 once passed or unreadable. */
export function expiresInMs(expiresAt: string, serverTimeOffsetMs: number, deviceNowMs: number = Date.now()): number {
  const expiry = Date.parse(expiresAt);
  if (Number.isNaN(expiry)) return 0;
  return Math.max(0, expiry - (deviceNowMs + serverTimeOffsetMs));
}
