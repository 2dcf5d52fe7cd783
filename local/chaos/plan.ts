import type { ChaosOptions } from './options';
import { PlanWorld } from './plan-world';
import { pick, randomInt, seededRandom, shuffle } from './random';

/** What should become of a valid event: a notification, or a dead letter for a permanent reason. */
export type EventCategory = 'deliverable' | 'unknown_at_bridge' | 'unknown_user' | 'rejected_company';

export const EXPECTED_DEAD_LETTER_REASON: Record<Exclude<EventCategory, 'deliverable'>, string> = {
  unknown_at_bridge: 'bridge_unknown_user', // registered with us, Bridge answers 401
  unknown_user: 'unknown_user', // no profile registered with us
  rejected_company: 'bridge_rejected_request', // Bridge answers 400 for the company
};

export interface PlannedUser {
  readonly bridgeUserUuid: string;
  readonly appUserId: string;
  readonly registered: boolean;
  readonly knownAtBridge: boolean;
}

/** A distinct, correctly signed, fresh, schema-valid guidance event. */
export interface PlannedEvent {
  readonly key: string;
  readonly bridgeUserUuid: string;
  readonly appUserId: string;
  readonly company: string;
  readonly timestamp: number;
  readonly category: EventCategory;
  /** The older half of an out-of-order pair, sent only after the newer one was processed. */
  readonly lateOlder: boolean;
}

export type RequestKind = 'first_delivery' | 'concurrent_duplicate' | 'late_duplicate' | 'stale' | 'bad_signature';
export type ExpectedAnswer = 'accepted' | 'stale' | 'invalid_signature';

export interface PlannedRequest {
  readonly kind: RequestKind;
  readonly body: string;
  readonly signatureHeader: string | undefined;
  readonly expect: ExpectedAnswer;
  readonly eventKey: string;
}

/** Groups go out one after the other; the requests of a group go out at the same time. */
export interface PlanStep {
  readonly groups: PlannedRequest[][];
}

export type StepAction = 'queue_outage' | 'long_hang';

export interface ChaosPlan {
  readonly users: PlannedUser[];
  readonly rejectedCompanies: string[];
  readonly events: PlannedEvent[];
  /** Sent first, then the queue is drained, then `late` is sent (late duplicates, late older events). */
  readonly first: PlanStep[];
  readonly late: PlanStep[];
  /** Faults started when the sender reaches a step of `first`. */
  readonly actions: ReadonlyMap<number, StepAction[]>;
  /** Keys of the stale and badly signed events: none may ever reach the queue. */
  readonly refusedKeys: ReadonlySet<string>;
  readonly counts: PlanCounts;
}

export interface PlanCounts {
  readonly requests: number;
  readonly firstDeliveries: number;
  readonly concurrentDuplicates: number;
  readonly lateDuplicates: number;
  readonly outOfOrderPairs: number;
  readonly lateOlderPairs: number;
  readonly stale: number;
  readonly badSignature: number;
  readonly byCategory: Record<EventCategory, number>;
}

export interface PlanContext {
  /** Event times are anchored here (the replay window is relative to now). */
  readonly anchorMs: number;
  readonly webhookSecret: string;
  readonly maxAgeSeconds: number;
}

const EVENTS_PER_USER = 4;

/** The whole run as data: a pure function of the options, the seed and the anchor time. */
export function buildPlan(options: ChaosOptions, context: PlanContext): ChaosPlan {
  const random = seededRandom(options.seed);
  const n = options.events;
  const stale = Math.round(n * options.staleShare);
  const badSignature = Math.round(n * options.badSignatureShare);
  const duplicates = Math.round(n * options.duplicateShare);
  const pairs = Math.floor(Math.round(n * options.outOfOrderShare) / 2);
  const singles = n - stale - badSignature - duplicates - 2 * pairs;
  const distinct = singles + 2 * pairs;
  const unknownAtBridge = Math.round(distinct * options.unknownAtBridgeShare);
  const unknownUser = Math.round(distinct * options.unknownUserShare);
  const rejected = Math.round(distinct * options.rejectedCompanyShare);
  const deliverableSingles = singles - unknownAtBridge - unknownUser - rejected;

  const world = new PlanWorld(random, context);
  const deliverableUsers = Math.max(3, Math.round((deliverableSingles + 2 * pairs) / EVENTS_PER_USER));
  for (let index = 0; index < deliverableUsers; index += 1) world.addUser(true, true, 1 + randomInt(random, 3));
  for (let index = 0; index < Math.max(2, Math.ceil(rejected / 5)); index += 1) world.rejectedCompanies.push(world.newCompany());

  const steps: { step: PlanStep; events: PlannedEvent[] }[] = [];
  const lateSteps: PlanStep[] = [];
  const single = (event: PlannedEvent) => steps.push({ step: { groups: [[world.deliver(event)]] }, events: [event] });
  for (let index = 0; index < deliverableSingles; index += 1) single(world.event('deliverable', ...world.deliverablePair()));
  for (let index = 0; index < unknownAtBridge; index += 1) {
    const user = world.addUser(true, false, 1);
    single(world.event('unknown_at_bridge', user, world.companiesOf(user)[0]!));
  }
  for (let index = 0; index < unknownUser; index += 1) {
    const user = world.addUser(false, false, 1);
    single(world.event('unknown_user', user, world.companiesOf(user)[0]!));
  }
  for (let index = 0; index < rejected; index += 1) single(world.event('rejected_company', ...world.rejectedPair()));

  const lateOlderPairs = Math.round(pairs * options.lateOlderFraction);
  for (let index = 0; index < pairs; index += 1) {
    const [user, company] = world.deliverablePair();
    const late = index < lateOlderPairs;
    const [olderTs, newerTs] = [world.freshTimestamp(user, company), world.freshTimestamp(user, company)].sort((a, b) => a - b);
    const newer = world.event('deliverable', user, company, newerTs);
    const older = world.event('deliverable', user, company, olderTs, late);
    if (late) {
      steps.push({ step: { groups: [[world.deliver(newer)]] }, events: [newer] });
      lateSteps.push({ groups: [[world.deliver(older)]] });
    } else {
      steps.push({ step: { groups: [[world.deliver(newer)], [world.deliver(older)]] }, events: [newer, older] });
    }
  }

  const concurrentDuplicates = Math.round(duplicates * options.concurrentDuplicateFraction);
  for (let index = 0; index < duplicates; index += 1) {
    const target = pick(random, steps);
    const groupIndex = randomInt(random, target.step.groups.length);
    const original = target.step.groups[groupIndex]![0]!;
    if (index < concurrentDuplicates) target.step.groups[groupIndex]!.push({ ...original, kind: 'concurrent_duplicate' });
    else lateSteps.push({ groups: [[{ ...original, kind: 'late_duplicate' }]] });
  }

  const firstSteps = steps.map((entry) => entry.step);
  for (let index = 0; index < stale; index += 1) firstSteps.push({ groups: [[world.staleRequest()]] });
  for (let index = 0; index < badSignature; index += 1) firstSteps.push({ groups: [[world.badlySignedRequest()]] });
  shuffle(random, firstSteps);
  shuffle(random, lateSteps);

  return {
    users: world.users,
    rejectedCompanies: world.rejectedCompanies,
    events: world.events,
    first: firstSteps,
    late: lateSteps,
    actions: spreadActions(firstSteps.length, options),
    refusedKeys: world.refusedKeys,
    counts: {
      requests: n,
      firstDeliveries: distinct,
      concurrentDuplicates,
      lateDuplicates: duplicates - concurrentDuplicates,
      outOfOrderPairs: pairs,
      lateOlderPairs,
      stale,
      badSignature,
      byCategory: {
        deliverable: deliverableSingles + 2 * pairs,
        unknown_at_bridge: unknownAtBridge,
        unknown_user: unknownUser,
        rejected_company: rejected,
      },
    },
  };
}

/** Queue outages and long Bridge hangs, spread evenly over the first phase. */
function spreadActions(stepCount: number, options: ChaosOptions): Map<number, StepAction[]> {
  const actions = new Map<number, StepAction[]>();
  const place = (count: number, action: StepAction, offset: number) => {
    for (let index = 0; index < count; index += 1) {
      const at = Math.min(stepCount - 1, Math.floor(((index + offset) * stepCount) / (count + 1)));
      actions.set(at, [...(actions.get(at) ?? []), action]);
    }
  };
  place(options.queueOutages, 'queue_outage', 1);
  place(options.longHangs, 'long_hang', 0.5);
  return actions;
}
