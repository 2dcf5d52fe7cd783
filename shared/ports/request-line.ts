/** A request line's shared state: tickets handed out so far, and when ticket 0 was (or would have been) due. */
export interface RequestLineState {
  readonly issued: number;
  /** Epoch ms; undefined until the line first starts. */
  readonly baseMs: number | undefined;
}

/**
 * Shared, fleet-wide request lines (one small item each): every caller of Bridge in every function
 * instance takes its ticket here, so together they keep one rate. Each operation is one atomic
 * DynamoDB write or read.
 */
export interface RequestLineStore {
  /** Takes the next ticket of `line` (atomically); answers the line's state with it. */
  takeTicket(line: string): Promise<RequestLineState>;
  read(line: string): Promise<RequestLineState>;
  /** Moves the line's base to `nextMs` only if it is still `expectedMs`; false when someone moved it first. */
  moveBase(line: string, expectedMs: number | undefined, nextMs: number): Promise<boolean>;
}
