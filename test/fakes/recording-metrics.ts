import type { MetricDimensions, MetricsSink } from '../../shared/ports/metrics';

/** Keeps every data point, to assert what dashboards and alarms would see. */
export class RecordingMetrics implements MetricsSink {
  readonly points: { name: string; dimensions: MetricDimensions; value: number }[] = [];

  count(name: string, dimensions: MetricDimensions = {}, value = 1): void {
    this.points.push({ name, dimensions, value });
  }

  milliseconds(name: string, valueMs: number, dimensions: MetricDimensions = {}): void {
    this.points.push({ name, dimensions, value: valueMs });
  }

  total(name: string, dimensions: MetricDimensions = {}): number {
    return this.points
      .filter((point) => point.name === name && Object.entries(dimensions).every(([key, value]) => point.dimensions[key] === value))
      .reduce((sum, point) => sum + point.value, 0);
  }
}
