import type { BridgeSimulator, SimulatedFault } from '../bridge-simulator';
import type { AdapterDecorator } from '../stack';
import type { ChaosOptions } from './options';
import { seededRandom, type Random } from './random';

export type AdapterRole = Parameters<AdapterDecorator>[0];

/** A failed adapter call that did nothing: thrown before the real adapter is reached. */
export class InjectedFault extends Error {
  constructor(role: AdapterRole, method: string) {
    super(`Injected ${role}.${method} failure (chaos run).`);
    this.name = 'InjectedFault';
  }
}

/**
 * Wraps the worker's adapters in Proxies that make a share of calls throw before doing anything,
 * so each injected failure is unambiguous: the call had no effect and a retry is always safe.
 *
 * Not injected on purpose: a failure *after* the effect. A publish that reached SNS but reported
 * an error would make the retry publish again: a duplicate notification by construction (SNS
 * standard topics have no deduplication; consumers can drop duplicates by the event_key
 * attribute). Every store call may fail, the notification claim and its release included.
 */
export class AdapterFaults {
  readonly injected: Record<AdapterRole, number> = { store: 0, users: 0, cipher: 0, notifier: 0 };
  readonly injectedByMethod = new Map<string, number>();
  private readonly random: Random;
  private readonly rates: Record<AdapterRole, number>;

  constructor(private readonly options: ChaosOptions) {
    this.random = seededRandom(options.seed ^ 0x5eed_fa17);
    this.rates = { store: options.storeFaultRate, users: options.usersFaultRate, cipher: options.cipherFaultRate, notifier: options.notifierFaultRate };
  }

  get total(): number {
    return Object.values(this.injected).reduce((sum, count) => sum + count, 0);
  }

  readonly decorate: AdapterDecorator = <T extends object>(role: AdapterRole, adapter: T): T => {
    if (this.rates[role] <= 0) return adapter;
    return new Proxy(adapter, {
      get: (target, property, receiver) => {
        const value: unknown = Reflect.get(target, property, receiver);
        if (typeof value !== 'function' || !this.mayFail(role, String(property))) return value;
        return async (...args: unknown[]) => {
          if (this.random() < this.rates[role]) {
            this.injected[role] += 1;
            const method = `${role}.${String(property)}`;
            this.injectedByMethod.set(method, (this.injectedByMethod.get(method) ?? 0) + 1);
            throw new InjectedFault(role, String(property));
          }
          return (value as (...params: unknown[]) => unknown).apply(target, args);
        };
      },
    });
  };

  private mayFail(_role: AdapterRole, method: string): boolean {
    return method !== 'constructor' && !method.startsWith('_');
  }
}

/** Bridge faults actually served, by label. */
export type BridgeFaultCounts = Record<'status_503' | 'status_429' | 'reset' | 'short_hang', number>;

/**
 * The simulator's transient faults: 503, 429 with Retry-After 1, reset, and a hang shorter than
 * the client's attempt timeout. The list is wrapped to count which fault the simulator served.
 */
export function configureBridgeFaults(bridge: BridgeSimulator, options: ChaosOptions): BridgeFaultCounts {
  const served: BridgeFaultCounts = { status_503: 0, status_429: 0, reset: 0, short_hang: 0 };
  const faults: [keyof BridgeFaultCounts, SimulatedFault][] = [
    ['status_503', { kind: 'status', status: 503 }],
    ['status_429', { kind: 'status', status: 429, retryAfterSeconds: 1 }],
    ['reset', { kind: 'reset' }],
    ['short_hang', { kind: 'hang', ms: options.shortHangMs }],
  ];
  bridge.failureRate = options.bridgeFailureRate;
  bridge.randomFaults = new Proxy(
    faults.map(([, fault]) => fault),
    {
      get: (target, property, receiver) => {
        const index = typeof property === 'string' && /^\d+$/.test(property) ? Number(property) : -1;
        const label = faults[index]?.[0];
        if (label) served[label] += 1;
        return Reflect.get(target, property, receiver);
      },
    },
  );
  return served;
}

/** A hang longer than the client's attempt timeout, served to the next Bridge request. */
export function scriptLongHang(bridge: BridgeSimulator, options: ChaosOptions): void {
  bridge.scriptedFaults.push({ kind: 'hang', ms: options.longHangMs });
}
