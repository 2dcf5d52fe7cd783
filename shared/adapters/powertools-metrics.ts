import { MetricUnit, type Metrics } from '@aws-lambda-powertools/metrics';
import type { MetricDimensions, MetricsSink } from '../ports/metrics';

/**
 * EMF metrics through Powertools. Each data point is flushed on its own (`singleMetric`), because
 * one invocation emits several dimension sets (a worker batch has many outcomes); the `service`
 * default dimension is kept.
 */
export class PowertoolsMetricsSink implements MetricsSink {
  constructor(private readonly metrics: Metrics) {}

  count(name: string, dimensions: MetricDimensions = {}, value = 1): void {
    this.emit(name, MetricUnit.Count, value, dimensions);
  }

  milliseconds(name: string, valueMs: number, dimensions: MetricDimensions = {}): void {
    this.emit(name, MetricUnit.Milliseconds, valueMs, dimensions);
  }

  private emit(name: string, unit: (typeof MetricUnit)[keyof typeof MetricUnit], value: number, dimensions: MetricDimensions): void {
    const single = this.metrics.singleMetric();
    single.addDimensions({ ...dimensions });
    single.addMetric(name, unit, value);
  }
}
