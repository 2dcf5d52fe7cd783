import type { ApiFailure } from './api';

/** What the person reads for each failure: what happened and what to do. */
export function failureMessage(failure: ApiFailure): string {
  switch (failure.kind) {
    case 'signed_out':
      return 'Your sign-in has expired. Sign in again to continue.';
    case 'not_found':
      return 'This guidance is no longer available. It may have been removed; the list is up to date again.';
    case 'rate_limited':
      return `Too many requests. Try again ${waitText(failure.retryAfterSeconds)}.`;
    case 'bridge_refused':
      return 'Bridge refused to create a guidance session. Try again later; if it keeps failing, contact support.';
    case 'unavailable':
      return `The service is temporarily unavailable. Try again ${waitText(failure.retryAfterSeconds)}.`;
    case 'unexpected':
      return failure.status === 0
        ? 'The service could not be reached. Check your connection and try again.'
        : `Something went wrong (error ${failure.status}). Try again.`;
  }
}

function waitText(seconds: number | undefined): string {
  if (seconds === undefined) return 'in a moment';
  if (seconds < 60) return `in ${seconds} second${seconds === 1 ? '' : 's'}`;
  const minutes = Math.ceil(seconds / 60);
  return `in ${minutes} minute${minutes === 1 ? '' : 's'}`;
}

/** `2026-12-02T16:43:20.000Z` → a local date and time the person reads. */
export function readableTime(iso: string): string {
  const date = new Date(iso);
  return Number.isNaN(date.getTime()) ? iso : date.toLocaleString(undefined, { dateStyle: 'medium', timeStyle: 'short' });
}
