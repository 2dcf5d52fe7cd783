import { scanEveryTable } from '../dynamo';
import type { LocalStack } from '../stack';
import type { StoredRow } from './reconcile';

export interface TableSnapshot {
  readonly guidance: StoredRow[];
  readonly sessions: StoredRow[];
  /** Every item as text, binary attributes byte for byte, to look for plaintext secrets at rest. */
  readonly text: string;
}

/** Reads both tables whole (guidance records, sessions, profiles, request lines). */
export async function snapshotTable(stack: LocalStack): Promise<TableSnapshot> {
  const guidance: StoredRow[] = [];
  const sessions: StoredRow[] = [];
  const texts: string[] = [];
  for (const item of await scanEveryTable(stack.db, stack.dynamo)) {
    texts.push(JSON.stringify(item, (_key, value: unknown) => (value instanceof Uint8Array ? Buffer.from(value).toString('latin1') : value)));
    const row = {
      appUserId: String(item.appUserId),
      company: String(item.company),
      ...(typeof item.eventKey === 'string' ? { eventKey: item.eventKey } : {}),
      ...(typeof item.notifiedEventKey === 'string' ? { notifiedEventKey: item.notifiedEventKey } : {}),
    };
    if (item.kind === 'guidance') guidance.push(row);
    if (item.kind === 'session') sessions.push(row);
  }
  return { guidance, sessions, text: texts.join('\n') };
}
