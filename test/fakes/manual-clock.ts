import type { Clock } from '../../shared/ports/clock';

/** A clock that moves only when told. */
export class ManualClock implements Clock {
  constructor(private current = Date.parse('2026-11-25T10:00:00Z')) {}
  now(): number {
    return this.current;
  }
  advance(ms: number): void {
    this.current += ms;
  }
}
