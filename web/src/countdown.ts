/**
 * The countdown follows the server's clock, not the device's: a phone set an hour late must not
 * show a password the API already considers expired. The offset comes from the typed client (the
 * `Date` header of its answers). Pure functions, no DOM.
 */

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
