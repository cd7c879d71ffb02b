import type { E2E } from './e2e';
import { startE2E, type E2EOptions } from './start';

/**
 * An end-to-end suite's life, for the enclosing `describe`: everything started before its tests (`started`
 * receives it), GitHub's OpenAPI held to every request after each test, and after all a line for the notes
 * (the suite, its counts, and the outcomes its tests pushed: none says it did not finish) before it all stops.
 */
export function useE2E(suite: string, options: E2EOptions, started: (e2e: E2E) => void | Promise<void>): string[] {
  const startedAt = Date.now();
  const outcomes: string[] = [];
  let e2e: E2E | undefined;
  beforeAll(async () => {
    e2e = await startE2E(options);
    await started(e2e);
  });
  afterEach(() => e2e?.standin.assertNoViolations());
  afterAll(async () => {
    e2e?.summary(suite, outcomes.join('; ') || 'did not finish', startedAt);
    await e2e?.stop();
  });
  return outcomes;
}
