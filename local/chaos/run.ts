import { writeFile } from 'node:fs/promises';
import os from 'node:os';
import { runChaos } from './chaos';
import { DEFAULT_CHAOS_OPTIONS, type ChaosOptions } from './options';
import { formatReport } from './report';

const USAGE = `npm run chaos -- [--events N] [--seed S] [--concurrency C] [--<option> value ...] [--json]

A fault-injection run on the laptop stack; exits 1 unless nothing was lost, duplicated or leaked.
Options (defaults): ${Object.entries(DEFAULT_CHAOS_OPTIONS)
  .filter(([, value]) => typeof value !== 'object')
  .map(([name, value]) => `--${name.replace(/[A-Z]/g, (letter) => `-${letter.toLowerCase()}`)} (${JSON.stringify(value)})`)
  .join(', ')}`;

/** `--events 10000 --max-concurrent-batches 2` → `{ events: 10000, maxConcurrentBatches: 2 }`. */
function parseArguments(args: readonly string[]): { options: Partial<ChaosOptions>; json: boolean } {
  const options: Record<string, unknown> = {};
  let json = false;
  for (let index = 0; index < args.length; index += 1) {
    const flag = args[index]!;
    if (flag === '--json') {
      json = true;
      continue;
    }
    const name = flag.replace(/^--/, '').replace(/-([a-z])/g, (_match, letter: string) => letter.toUpperCase());
    const fallback: unknown = (DEFAULT_CHAOS_OPTIONS as unknown as Record<string, unknown>)[name];
    if (!flag.startsWith('--') || fallback === undefined || typeof fallback === 'object') throw new Error(`Unknown option ${flag}.\n\n${USAGE}`);
    if (typeof fallback === 'boolean') {
      const next = args[index + 1];
      const explicit = next === 'true' || next === 'false';
      options[name] = explicit ? next === 'true' : true;
      if (explicit) index += 1;
      continue;
    }
    if (typeof fallback === 'string') {
      if (args[index + 1] === undefined) throw new Error(`${flag} needs a value.\n\n${USAGE}`);
      options[name] = args[index + 1];
      index += 1;
      continue;
    }
    const value = Number(args[index + 1]);
    if (args[index + 1] === undefined || Number.isNaN(value)) throw new Error(`${flag} needs a number.\n\n${USAGE}`);
    options[name] = value;
    index += 1;
  }
  return { options: options as Partial<ChaosOptions>, json };
}

async function main(): Promise<void> {
  if (process.argv.includes('--help')) return void console.log(USAGE);
  const { options, json } = parseArguments(process.argv.slice(2));
  const report = await runChaos({ progress: true, ...options });
  const text = formatReport(report);
  console.log(json ? JSON.stringify(report, null, 2) : text);
  await writeFile(RESULTS_FILE, resultsMarkdown(text, process.argv.slice(2)));
  process.exitCode = report.passed ? 0 : 1;
}

/** The latest run's report, with the machine it ran on: the README links here instead of copying figures. */
const RESULTS_FILE = 'bench/chaos-results.md';

function resultsMarkdown(report: string, args: readonly string[]): string {
  const cpu = os.cpus()[0]?.model.trim() ?? 'unknown CPU';
  return [
    '# Fault-injection results',
    '',
    `Written by \`npm run chaos${args.length > 0 ? ` -- ${args.join(' ')}` : ''}\` on ${new Date().toISOString().slice(0, 16).replace('T', ' ')} UTC,`,
    `Node ${process.version}, ${cpu}, ${os.cpus().length} cores, ${os.platform()} ${os.arch()}.`,
    '',
    '```',
    report.trimEnd(),
    '```',
    '',
  ].join('\n');
}

main().catch((error: unknown) => {
  console.error(error instanceof Error ? error.message : error);
  process.exitCode = 2;
});
