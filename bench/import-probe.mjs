// One cold-import sample, in a fresh `node` process started by bench/run.ts:
//   node bench/import-probe.mjs <bundle.mjs>
// Prints {"cpuMs","userMs","systemMs","wallMs","error"} on stdout. CPU is process.cpuUsage()
// (user + system, all threads) around `await import(bundle)`: module evaluation runs the
// handler's cold-start code (config, clients, logger). A throw at import is reported, not hidden.
import { pathToFileURL } from 'node:url';

const bundle = process.argv[2];
if (!bundle) {
  process.stderr.write('usage: node bench/import-probe.mjs <bundle.mjs>\n');
  process.exit(2);
}
const url = pathToFileURL(bundle).href;
const wallStart = performance.now();
const cpuStart = process.cpuUsage();
let error;
try {
  await import(url);
} catch (caught) {
  error = `${caught?.name ?? 'Error'}: ${caught?.message ?? String(caught)}`;
}
const cpu = process.cpuUsage(cpuStart);
const wallMs = performance.now() - wallStart;
process.stdout.write(
  `${JSON.stringify({ cpuMs: (cpu.user + cpu.system) / 1000, userMs: cpu.user / 1000, systemMs: cpu.system / 1000, wallMs, ...(error ? { error } : {}) })}\n`,
);
