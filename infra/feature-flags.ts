import { readFileSync } from 'node:fs';
import * as path from 'node:path';

const CDK_JSON = path.resolve(__dirname, '..', 'cdk.json');

/**
 * The CDK feature flags set in cdk.json (every flag CDK recommends for a new project). The CLI passes
 * them to the app itself; `buildApp` also reads them here, so the tests synthesise with exactly the
 * flags a deploy uses and a flag that changes a resource shows up as a failing template test.
 */
export function cdkJsonFeatureFlags(file = CDK_JSON): Record<string, unknown> {
  const parsed = JSON.parse(readFileSync(file, 'utf8')) as { context?: Record<string, unknown> };
  return Object.fromEntries(Object.entries(parsed.context ?? {}).filter(([key]) => key.startsWith('@aws-cdk')));
}
