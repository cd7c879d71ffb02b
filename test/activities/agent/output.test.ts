import type { TestDatabase } from '../../support/database';
import { activityEnv, useAgentFixture, storedChars, type AgentFixture } from '../../support/scripted-agent/fixture';

const MB = 1024 * 1024;

describe('a flood of agent output', () => {
  let db: TestDatabase;
  let fx: AgentFixture;
  useAgentFixture((suite) => ({ db, fx } = suite));

  test('50 MB of output keeps only a tail in memory and lands whole in Postgres', async () => {
    const input = fx.input('agent: print-mb 50\nagent: say finished', { step: 'implement-flood' });
    const before = process.memoryUsage();
    let peakRss = before.rss;
    let peakHeap = before.heapUsed;
    const sampler = setInterval(() => {
      const m = process.memoryUsage();
      peakRss = Math.max(peakRss, m.rss);
      peakHeap = Math.max(peakHeap, m.heapUsed);
    }, 25);
    const { run: runIn, heartbeats } = activityEnv(60_000);
    try {
      const r = await runIn(fx.agent().runAgent, input);
      expect(r.resultText).toBe('Done: finished');
      expect(r.outputTail.length).toBeLessThanOrEqual(4000);
    } finally {
      clearInterval(sampler);
    }
    expect((peakRss - before.rss) / MB).toBeLessThan(100);
    expect((peakHeap - before.heapUsed) / MB).toBeLessThan(100);
    const stored = await storedChars(db, input.workflowId);
    expect(stored).toBeGreaterThanOrEqual(50 * MB);
    expect(stored).toBeLessThan(50 * MB + 10_000);
    const sizes = (heartbeats as { bytes: number }[]).map((h) => h.bytes);
    expect(sizes.length).toBeGreaterThan(0);
    expect(sizes).toEqual([...sizes].sort((a, b) => a - b));
  }, 120_000);
});
