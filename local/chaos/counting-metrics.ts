import type { MetricDimensions, MetricsSink } from '../../shared/ports/metrics';

/** Totals of the stack's counters by name and dimensions (what a dashboard would show). */
export class CountingMetrics implements MetricsSink {
  private readonly totals = new Map<string, { name: string; dimensions: MetricDimensions; value: number }>();

  count(name: string, dimensions: MetricDimensions = {}, value = 1): void {
    const id = `${name}${JSON.stringify(Object.entries(dimensions).sort())}`;
    const entry = this.totals.get(id) ?? { name, dimensions, value: 0 };
    entry.value += value;
    this.totals.set(id, entry);
  }

  milliseconds(): void {
    // timings are not reconciled
  }

  total(name: string, dimensions: MetricDimensions = {}): number {
    let sum = 0;
    for (const entry of this.totals.values()) {
      if (entry.name !== name) continue;
      if (Object.entries(dimensions).every(([key, value]) => entry.dimensions[key] === value)) sum += entry.value;
    }
    return sum;
  }
}
