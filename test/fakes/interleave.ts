/**
 * Wraps a port so that `hook` runs just before the next call of `method` (once): a concurrent
 * actor's step placed exactly between two steps of the code under test.
 */
export function beforeNextCall<T extends object, K extends keyof T>(port: T, method: K, hook: () => unknown): T {
  let pending = true;
  return new Proxy(port, {
    get(target, property, receiver) {
      const value: unknown = Reflect.get(target, property, receiver);
      if (typeof value !== 'function') return value;
      return async (...args: unknown[]) => {
        if (property === method && pending) {
          pending = false;
          await hook();
        }
        return (value as (...a: unknown[]) => unknown).apply(target, args);
      };
    },
  });
}
