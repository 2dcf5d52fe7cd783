/** The runbook entry of an alarm, as a full link an on-call person can open from the notification. */
export function runbookUrl(baseUrl: string, slug: string): string {
  return `${baseUrl}#runbook-${slug}`;
}
