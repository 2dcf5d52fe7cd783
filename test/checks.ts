/**
 * The static checks of `npm test`, run at the same time instead of one after the other: ESLint, the
 * OpenAPI lint and both type-checks. Each check's output is printed whole when it ends (never
 * interleaved), with its time; the exit code is 1 when any check failed.
 *
 *   npx tsx test/checks.ts
 */
import { spawn } from 'node:child_process';
import { join } from 'node:path';

const root = join(__dirname, '..');
const bin = (name: string) => join(root, 'node_modules', '.bin', name);

const CHECKS: { name: string; command: string; args: string[] }[] = [
  { name: 'typecheck', command: bin('tsc'), args: ['--noEmit'] },
  { name: 'lint', command: bin('eslint'), args: ['.'] },
  { name: 'typecheck web', command: bin('tsc'), args: ['--noEmit', '-p', 'web/tsconfig.json'] },
  { name: 'lint:openapi', command: bin('redocly'), args: ['lint', 'openapi.yaml'] },
];

function run(check: (typeof CHECKS)[number]): Promise<boolean> {
  const started = performance.now();
  return new Promise((resolve) => {
    const child = spawn(check.command, check.args, { cwd: root, env: { ...process.env, FORCE_COLOR: process.stdout.isTTY ? '1' : '0' } });
    const output: Buffer[] = [];
    child.stdout.on('data', (chunk: Buffer) => output.push(chunk));
    child.stderr.on('data', (chunk: Buffer) => output.push(chunk));
    const finish = (ok: boolean, note = '') => {
      const seconds = ((performance.now() - started) / 1000).toFixed(1);
      const text = Buffer.concat(output).toString('utf8').trimEnd();
      process.stdout.write(`${ok ? '✓' : '✗'} ${check.name} (${[check.command.replace(`${root}/`, ''), ...check.args].join(' ')}): ${seconds} s${note}\n`);
      if (text && (!ok || process.env.CHECKS_VERBOSE)) process.stdout.write(`${text}\n\n`);
      resolve(ok);
    };
    child.on('error', (error) => finish(false, `, ${error.message}`));
    child.on('close', (code) => finish(code === 0, code === 0 ? '' : `, exit code ${code}`));
  });
}

void (async () => {
  const results = await Promise.all(CHECKS.map(run));
  const failed = CHECKS.filter((_, index) => !results[index]).map((check) => check.name);
  if (failed.length > 0) {
    process.stdout.write(`Static checks failed: ${failed.join(', ')}\n`);
    process.exitCode = 1;
  }
})();
