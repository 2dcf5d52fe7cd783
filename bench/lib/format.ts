/** How the report prints figures: KB are 1,000 bytes, ratios to two decimals. */
export const kb = (bytes: number): string => (bytes / 1000).toFixed(1);
export const ratio = (value: number): string => (Number.isFinite(value) ? value.toFixed(2) : 'n/a');
export const ms = (value: number): string => (value >= 100 ? value.toFixed(0) : value.toFixed(1));
