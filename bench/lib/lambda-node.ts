import { execFileSync } from 'node:child_process';
import { FUNCTION_RUNTIME } from '../../infra/constructs/service-function';

/** The `node` a measurement runs on: Lambda's major when it could be fetched, else this process's. */
export interface ImportRuntime {
  readonly path: string;
  readonly version: string;
  /** True when `version` has the functions' runtime major (FUNCTION_RUNTIME). */
  readonly lambda: boolean;
}

/** `nodejs22.x` → 22. */
export const LAMBDA_NODE_MAJOR = Number(/^nodejs(\d+)\.x$/.exec(FUNCTION_RUNTIME.name)?.[1] ?? Number.NaN);

/**
 * The functions run on Lambda's Node, not the dev machine's: cold imports are measured on the same
 * major, from the `node@<major>` package (as `npm run test:node22` runs the tests), fetched once by npx.
 */
export function resolveLambdaNode(): ImportRuntime {
  if (process.versions.node.split('.')[0] === String(LAMBDA_NODE_MAJOR)) return { path: process.execPath, version: process.version, lambda: true };
  try {
    const answer = execFileSync('npx', ['-y', '-p', `node@${LAMBDA_NODE_MAJOR}`, 'node', '-e', 'process.stdout.write(JSON.stringify([process.execPath, process.version]))'], {
      encoding: 'utf8',
      timeout: 300_000,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    const [path, version] = JSON.parse(answer.trim().split('\n').pop() ?? '') as [string, string];
    return { path, version, lambda: version.startsWith(`v${LAMBDA_NODE_MAJOR}.`) };
  } catch {
    return { path: process.execPath, version: process.version, lambda: false };
  }
}

/** This process's node: the dev machine's. */
export const devNode = (): ImportRuntime => ({ path: process.execPath, version: process.version, lambda: process.versions.node.split('.')[0] === String(LAMBDA_NODE_MAJOR) });
