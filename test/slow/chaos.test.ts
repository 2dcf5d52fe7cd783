import { describeChaosRun } from '../fixtures/chaos-run';

// The full default run (`npm run chaos` without options): ~30 s on the 2-core CI machine; the
// margin is for a busy machine. `npm test` runs a shorter one with denser faults (test/e2e/chaos.test.ts).
describeChaosRun('chaos run on the laptop stack (1,000 webhook requests, default faults)', {}, 180_000);
