import { cpuMicrosSince, median, quantile } from './stats';

export interface BatchPlan {
  readonly rounds: number;
  readonly callsPerRound: number;
  readonly warmupCalls: number;
}

export interface AlternatedRound {
  /** CPU per call, microseconds. */
  readonly floorUs: number;
  readonly subjectUs: number;
  readonly ratio: number;
}

export interface AlternatedResult {
  readonly rounds: AlternatedRound[];
  readonly ratio: number;
  readonly ratioP25: number;
  readonly ratioP75: number;
  readonly floorUs: number;
  readonly subjectUs: number;
}

/**
 * CPU per call of `subject` against `floor`, in one process: after a warm-up (JIT, caches),
 * each round runs a batch of each, in alternating order, and the answer is the median of the
 * per-round ratios, so drift of a shared machine hits both sides of every ratio alike.
 */
export async function alternateBatches(subject: () => Promise<unknown>, floor: () => unknown, plan: BatchPlan): Promise<AlternatedResult> {
  // A floor may be asynchronous (a peer implementation); a synchronous one is never awaited.
  const settle = async (value: unknown) => (value instanceof Promise ? await value : value);
  let sink = 0;
  const runFloor = async () => {
    const start = process.cpuUsage();
    for (let call = 0; call < plan.callsPerRound; call += 1) {
      const value = floor();
      sink += (value instanceof Promise ? await value : value) ? 1 : 0;
    }
    return cpuMicrosSince(start) / plan.callsPerRound;
  };
  const runSubject = async () => {
    const start = process.cpuUsage();
    for (let call = 0; call < plan.callsPerRound; call += 1) sink += (await subject()) ? 1 : 0;
    return cpuMicrosSince(start) / plan.callsPerRound;
  };

  for (let call = 0; call < plan.warmupCalls; call += 1) {
    sink += (await settle(floor())) ? 1 : 0;
    sink += (await subject()) ? 1 : 0;
  }
  const rounds: AlternatedRound[] = [];
  for (let round = 0; round < plan.rounds; round += 1) {
    let floorUs: number;
    let subjectUs: number;
    if (round % 2 === 0) {
      floorUs = await runFloor();
      subjectUs = await runSubject();
    } else {
      subjectUs = await runSubject();
      floorUs = await runFloor();
    }
    rounds.push({ floorUs, subjectUs, ratio: subjectUs / floorUs });
  }
  if (sink < 0) throw new Error('unreachable'); // keeps the results alive
  const ratios = rounds.map((round) => round.ratio);
  return {
    rounds,
    ratio: median(ratios),
    ratioP25: quantile(ratios, 0.25),
    ratioP75: quantile(ratios, 0.75),
    floorUs: median(rounds.map((round) => round.floorUs)),
    subjectUs: median(rounds.map((round) => round.subjectUs)),
  };
}
