// Names, at the end of a run, every test that passed only when tried again (the browser suite
// retries once on CI: a real browser against a real server has races that a second try gets past).
// A test listed here is a race to find, not a pass to forget: see docs/testing.md.
import type { Reporter, TestCase } from 'vitest/node';

export default class FlakyReporter implements Reporter {
  private readonly flaky: string[] = [];

  onTestCaseResult(test: TestCase) {
    const d = test.diagnostic();
    if (d?.flaky)
      this.flaky.push(`${test.module.moduleId} > ${test.fullName} (passed on try ${d.retryCount + 1})`);
  }

  onTestRunEnd() {
    if (this.flaky.length === 0) return;
    console.log(`\n${this.flaky.length} flaky test(s), passed only when tried again:`);
    for (const f of this.flaky) console.log(`  FLAKY ${f}`);
  }
}
