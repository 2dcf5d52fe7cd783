/** The CloudWatch namespace of every custom metric (handlers and alarms alike). */
export const METRICS_NAMESPACE = 'GuidanceRelay';

export type MetricDimensions = Readonly<Record<string, string>>;

/** Counts and timings for dashboards and alarms. Dimensions are small fixed sets: never a user id. */
export interface MetricsSink {
  count(name: string, dimensions?: MetricDimensions, value?: number): void;
  milliseconds(name: string, valueMs: number, dimensions?: MetricDimensions): void;
}

export const noMetrics: MetricsSink = { count: () => undefined, milliseconds: () => undefined };
