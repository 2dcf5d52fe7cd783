/**
 * The countdown follows the server's clock, not the device's: a phone set an hour late must not
 * show a password the API already considers expired. Pure functions, no DOM.
 */

/**
 * Server time minus device time, from a response's `Date` header. The header has one-second
 * resolution (truncated), so the server's "now" is taken at the end of that second: the estimate
 * errs on the early side, never showing a password after it expired. No header: the device's clock.
 */
export function serverClockOffsetMs(dateHeader: string | null | undefined, receivedAtMs: number): number {
  const serverMs = dateHeader ? Date.parse(dateHeader) : Number.NaN;
  return Number.isFinite(serverMs) ? serverMs + 999 - receivedAtMs : 0;
}

/** Milliseconds left until `expiresAt` on the server's clock (negative once past). */
export function remainingMs(expiresAt: string, offsetMs: number, deviceNowMs: number): number {
  return Date.parse(expiresAt) - (deviceNowMs + offsetMs);
}

/** `29:05`, `0:09`; never negative. */
export function formatRemaining(ms: number): string {
  const totalSeconds = Math.max(0, Math.ceil(ms / 1000));
  const minutes = Math.floor(totalSeconds / 60);
  const seconds = totalSeconds % 60;
  return `${minutes}:${String(seconds).padStart(2, '0')}`;
}

/** What a screen reader hears when it reads the timer: "29 minutes 5 seconds". */
export function spokenRemaining(ms: number): string {
  const totalSeconds = Math.max(0, Math.ceil(ms / 1000));
  const minutes = Math.floor(totalSeconds / 60);
  const seconds = totalSeconds % 60;
  const parts = [minutes > 0 ? `${minutes} minute${minutes === 1 ? '' : 's'}` : '', `${seconds} second${seconds === 1 ? '' : 's'}`];
  return parts.filter(Boolean).join(' ');
}
