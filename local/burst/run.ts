import { parseArgs } from 'node:util';

const USAGE = `Usage: npm run burst -- --events N --bridge-rps R [--senders C] [--storage memory|dynalite]

A burst of N distinct guidance events through the laptop stack, with the Bridge simulator limited
to R requests/s (429 + Retry-After above it) and the handlers pacing to R (BRIDGE_MAX_RPS).
Ends with one line; exits 1 unless nothing was lost, doubled or dead-lettered, the peak stayed
within 1.1 × R and the drain within 1.25 × N / R.`;

async function main(): Promise<number> {
  const { values } = parseArgs({
    options: {
      events: { type: 'string', default: '2000' },
      'bridge-rps': { type: 'string', default: '50' },
      senders: { type: 'string', default: '32' },
      storage: { type: 'string', default: 'memory' },
      help: { type: 'boolean', default: false },
    },
  });
  if (values.help) {
    console.log(USAGE);
    return 0;
  }
  const events = Number(values.events);
  const bridgeRps = Number(values['bridge-rps']);
  const senders = Number(values.senders);
  if (!Number.isInteger(events) || events < 1 || !Number.isInteger(bridgeRps) || bridgeRps < 2 || !Number.isInteger(senders) || senders < 1) {
    console.error(`--events, --bridge-rps (≥ 2) and --senders must be positive integers.\n\n${USAGE}`);
    return 2;
  }
  if (values.storage !== 'memory' && values.storage !== 'dynalite') {
    console.error(`--storage must be memory or dynalite.\n\n${USAGE}`);
    return 2;
  }
  // Per-event INFO lines would cost more than the events themselves: warnings only, unless asked.
  process.env.POWERTOOLS_LOG_LEVEL ??= 'WARN';
  const { runBurst, burstLine } = await import('./burst');
  const started = Date.now();
  const progress = (line: string) => void process.stderr.write(`[burst +${((Date.now() - started) / 1000).toFixed(1)}s] ${line}\n`);
  const report = await runBurst({ events, bridgeRps, senders, storage: values.storage, progress });
  progress(`Bridge requests ${report.bridgeRequests} (429 answers: ${report.bridgeThrottled})`);
  console.log(burstLine(report));
  return report.passed ? 0 : 1;
}

main().then(
  (code) => {
    process.exitCode = code;
  },
  (error: unknown) => {
    console.error(error instanceof Error ? error.message : error);
    process.exitCode = 2;
  },
);
