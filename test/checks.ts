/**
 * The static checks of `npm test`: ESLint, the OpenAPI lint and both type-checks, all at the same
 * time instead of one after the other. Each check's output is printed whole (never interleaved)
 * with its time; the exit code is 1 when any check failed.
 *
 *   npx tsx test/checks.ts                  the checks alone
 *   npx tsx test/checks.ts -- jest [args]   the checks at a lower CPU priority while the command
 *                                           runs in the foreground, its output live; the checks'
 *                                           results follow its output, and either failing fails
 *
 * `npm test` uses the second form: the tests never wait for the checks, and the checks use the
 * CPU time the tests leave idle (timers, child processes, the browser).
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { setPriority } from 'node:os';
import { join } from 'node:path';

const root = join(__dirname, '..');
const bin = (name: string) => join(root, 'node_modules', '.bin', name);
/** Below the tests (0), so a busy test worker keeps its CPU and its timing. */
const CHECK_NICENESS = 10;

// Each check keeps its cache under node_modules/.cache (never committed): a second run re-checks
// only what changed, as an editor would. A clean clone starts without one.
const CACHE = join(root, 'node_modules', '.cache', 'checks');
const CHECKS: { name: string; command: string; args: string[] }[] = [
  { name: 'typecheck', command: bin('tsc'), args: ['--noEmit', '--incremental', '--tsBuildInfoFile', join(CACHE, 'app.tsbuildinfo')] },
  { name: 'lint', command: bin('eslint'), args: ['--cache', '--cache-strategy', 'content', '--cache-location', join(CACHE, 'eslint/'), '.'] },
  {
    name: 'typecheck web',
    command: bin('tsc'),
    args: ['--noEmit', '--incremental', '--tsBuildInfoFile', join(CACHE, 'web.tsbuildinfo'), '-p', 'web/tsconfig.json'],
  },
  { name: 'lint:openapi', command: bin('redocly'), args: ['lint', 'openapi.yaml'] },
];

interface Result {
  readonly ok: boolean;
  readonly report: string;
}

function runCheck(check: (typeof CHECKS)[number], niceness: number): Promise<Result> {
  const started = performance.now();
  return new Promise((resolve) => {
    const child = spawn(check.command, check.args, { cwd: root, env: { ...process.env, FORCE_COLOR: process.stdout.isTTY ? '1' : '0' } });
    lower(child, niceness);
    const output: Buffer[] = [];
    child.stdout.on('data', (chunk: Buffer) => output.push(chunk));
    child.stderr.on('data', (chunk: Buffer) => output.push(chunk));
    const finish = (ok: boolean, note = '') => {
      const seconds = ((performance.now() - started) / 1000).toFixed(1);
      const text = Buffer.concat(output).toString('utf8').trimEnd();
      const line = `${ok ? '✓' : '✗'} ${check.name} (${[check.command.replace(`${root}/`, ''), ...check.args].join(' ')}): ${seconds} s${note}\n`;
      resolve({ ok, report: line + (text && (!ok || process.env.CHECKS_VERBOSE) ? `${text}\n\n` : '') });
    };
    child.on('error', (error) => finish(false, `, ${error.message}`));
    child.on('close', (code) => finish(code === 0, code === 0 ? '' : `, exit code ${code}`));
  });
}

function lower(child: ChildProcess, niceness: number): void {
  if (niceness === 0 || child.pid === undefined) return;
  try {
    setPriority(child.pid, niceness);
  } catch {
    // Not permitted here: the check runs at normal priority.
  }
}

function runForeground(command: string, args: string[]): Promise<number> {
  return new Promise((resolve) => {
    const child = spawn(command, args, { cwd: root, stdio: 'inherit' });
    child.on('error', (error) => {
      process.stderr.write(`${command}: ${error.message}\n`);
      resolve(1);
    });
    child.on('close', (code, signal) => resolve(code ?? (signal ? 1 : 0)));
  });
}

void (async () => {
  const separator = process.argv.indexOf('--');
  const foreground = separator === -1 ? [] : process.argv.slice(separator + 1);
  const checks = Promise.all(CHECKS.map((check) => runCheck(check, foreground.length > 0 ? CHECK_NICENESS : 0)));
  const [command, ...args] = foreground;
  const foregroundCode = command ? await runForeground(command === 'jest' ? bin('jest') : command, args) : 0;

  const results = await checks;
  process.stdout.write(`${command ? '\nStatic checks (run alongside):\n' : ''}${results.map((result) => result.report).join('')}`);
  const failed = CHECKS.filter((_, index) => !results[index]!.ok).map((check) => check.name);
  if (failed.length > 0) process.stdout.write(`Static checks failed: ${failed.join(', ')}\n`);
  process.exitCode = failed.length > 0 || foregroundCode !== 0 ? 1 : 0;
})();
