import { spawn } from 'node:child_process';
import * as path from 'node:path';
import { PROJECT_ROOT } from '../../infra/constructs/service-function';

/**
 * Environment every measured child starts from: nothing inherited from the shell (no stray
 * NODE_OPTIONS or log level), dummy AWS settings so no SDK ever looks for real credentials or
 * an instance-metadata endpoint, and no Node warnings (the SDK warns about Node 20; Lambda runs 22).
 */
export function baseChildEnv(extra: Record<string, string> = {}): Record<string, string> {
  return {
    PATH: process.env.PATH ?? '/usr/bin:/bin',
    HOME: process.env.HOME ?? '/tmp',
    NODE_NO_WARNINGS: '1',
    AWS_REGION: 'eu-west-1',
    AWS_ACCESS_KEY_ID: 'AKIDBENCHMARK',
    AWS_SECRET_ACCESS_KEY: 'benchmark-secret-key',
    AWS_EC2_METADATA_DISABLED: 'true',
    ...extra,
  };
}

/**
 * Runs `bench/children/<script>` under tsx in a fresh process and resolves with the one message
 * it sends back. Its stdout (the log lines production would write) goes to a pipe that is read
 * and dropped, as Lambda's runtime reads a function's stdout.
 */
export function runChild<T>(script: string, config: unknown, env: Record<string, string> = {}): Promise<T> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--import', 'tsx', path.join(PROJECT_ROOT, 'bench', 'children', script), JSON.stringify(config)], {
      cwd: PROJECT_ROOT,
      env: baseChildEnv(env),
      stdio: ['ignore', 'pipe', 'pipe', 'ipc'],
    });
    let stderr = '';
    let result: { value: T } | undefined;
    child.stdout?.resume();
    child.stderr?.on('data', (chunk: Buffer) => {
      stderr = (stderr + chunk.toString('utf8')).slice(-20_000);
    });
    child.on('message', (message) => {
      result = { value: message as T };
    });
    child.on('error', reject);
    child.on('exit', (code, signal) => {
      if (result && code === 0) resolve(result.value);
      else reject(new Error(`bench/children/${script} exited with ${signal ?? code}:\n${stderr.trim().split('\n').slice(-25).join('\n')}`));
    });
  });
}

/** In a child: hand the result to the parent and exit once it is sent. */
export function reply(result: unknown): void {
  if (!process.send) throw new Error('This script is run by bench/run.ts (it needs an IPC channel).');
  process.send(result, () => process.exit(0));
}

/** In a child: the JSON configuration `runChild` passed. */
export function childConfig<T>(): T {
  const raw = process.argv[2];
  if (!raw) throw new Error('Missing configuration argument.');
  return JSON.parse(raw) as T;
}

/** In a child: run `main`, report a failure on stderr with a non-zero exit. */
export function runMain(main: () => Promise<unknown>): void {
  main()
    .then((result) => reply(result))
    .catch((error: unknown) => {
      process.stderr.write(`${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
      process.exit(1);
    });
}
