import { spawn } from 'node:child_process';
import * as path from 'node:path';
import { PROJECT_ROOT } from '../../infra/constructs/service-function';
import type { BridgeSimulatorOptions } from '../../local/bridge-simulator';
import { baseChildEnv } from './child';

export interface BridgeServer {
  readonly url: string;
  stop(): Promise<void>;
}

/** Starts bench/children/bridge-server.ts and resolves once it listens. */
export function startBridgeServer(options: BridgeSimulatorOptions): Promise<BridgeServer> {
  const child = spawn(process.execPath, ['--import', 'tsx', path.join(PROJECT_ROOT, 'bench', 'children', 'bridge-server.ts'), JSON.stringify({ ...options, knownUsers: [...(options.knownUsers ?? [])] })], {
    cwd: PROJECT_ROOT,
    env: baseChildEnv(),
    stdio: ['ignore', 'ignore', 'inherit', 'ipc'],
  });
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  return new Promise((resolve, reject) => {
    child.once('error', reject);
    child.once('exit', (code) => reject(new Error(`The Bridge simulator process exited with ${code}.`)));
    child.once('message', (message) => {
      resolve({
        url: (message as { url: string }).url,
        stop: async () => {
          child.disconnect();
          await exited;
        },
      });
    });
  });
}
