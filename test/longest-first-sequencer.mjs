// jest's order on a machine that has not run the suite yet (no timing cache): the files known to be
// long start first, so a cold run does not end waiting on one of them. With a timing cache, jest's
// own order (failed first, then slowest first) is kept as it is.
import jestSequencer from '@jest/test-sequencer';

const Sequencer = jestSequencer.default ?? jestSequencer;

const LONGEST_FIRST = [
  'test/e2e/chaos.test.ts',
  'test/unit/api-fuzz.test.ts',
  'test/e2e/web-app.test.ts',
  'test/infra/stack.test.ts',
  'test/e2e/bad-input.test.ts',
  'test/e2e/readme-demo.test.ts',
  'test/infra/onboarding.test.ts',
  'test/infra/first-deploy.test.ts',
];

export default class LongestFirstWhenCold extends Sequencer {
  async sort(tests) {
    const sorted = await super.sort(tests);
    const cold = sorted.every((test) => test.duration == null);
    if (!cold) return sorted;
    const rank = (test) => {
      const index = LONGEST_FIRST.findIndex((suffix) => test.path.endsWith(suffix));
      return index === -1 ? LONGEST_FIRST.length : index;
    };
    return [...sorted].sort((a, b) => rank(a) - rank(b));
  }
}
