import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { issueForm, startE2E, type E2E } from '../harness';

jest.setTimeout(300_000);

/** The implement runs' start times, from the scripted agent's trace (its retry runs straight through, too fast to poll for). */
function implementStarts(file: string): number[] {
  if (!existsSync(file)) return [];
  const events = readFileSync(file, 'utf8').trim().split('\n').map((l) => JSON.parse(l) as { event: string; mode: string; at: number });
  return events.filter((e) => e.event === 'start' && e.mode === 'implement').map((e) => e.at);
}

/**
 * A worker SIGKILLed during a silent agent run: the heartbeat time-out (15 s) notices it and, after the
 * agent's retry interval (30 s), the round runs again on the restarted worker. Measures the time from the
 * kill to the new agent process (before the heartbeats, the 2-minute heartbeat time-out made it 2.5 min).
 */
describe('e2e slow: recovery from a killed worker', () => {
  let e2e: E2E;
  const startedAt = Date.now();
  let outcome = 'did not finish';
  const dir = mkdtempSync(join(tmpdir(), 'issueflow-recovery-'));
  const trace = join(dir, 'trace.jsonl');

  beforeAll(async () => {
    // The sandboxed agent writes its trace into `dir`, which the suite reads.
    e2e = await startE2E({ env: { SANDBOX_WRITABLE: dir } });
  });
  afterEach(() => e2e.standin.assertNoViolations());
  afterAll(async () => {
    e2e?.summary('recovery', outcome, startedAt);
    await e2e?.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  test('SIGKILL of the worker during a silent agent run: the round runs again after the heartbeat time-out and the retry interval (under a minute), and the issue completes', async () => {
    const issue = await e2e.openIssue({
      title: 'Fix add, slowly',
      // The first implement run writes .thinking and waits silently; the retry finds it and goes straight through.
      body: issueForm({ description: 'add() subtracts; it must return the sum.', acceptanceCriteria: ['`npm test` passes'], context: `agent: trace ${trace}\nagent: replace math.js a - b => a + b\nagent: pause implement 600000 .thinking` }),
    });
    await e2e.waitFor('the first implement run', () => implementStarts(trace).length === 1, 90_000);
    await new Promise((r) => setTimeout(r, 2000));
    const killedAt = Date.now();
    // The worker restarts at once, as a supervisor would restart it; the lost attempt is noticed only by its missing heartbeats.
    await e2e.crashWorker();
    const restartedAfter = Date.now() - killedAt;
    const [, again] = await e2e.waitFor('the implement run again', () => (implementStarts(trace).length >= 2 ? implementStarts(trace) : undefined), 120_000);
    const recoveredAfter = again - killedAt;
    const pr = await e2e.waitForPullRequest(issue, 120_000);
    expect(e2e.branchDiff(pr.head).files).toEqual(expect.arrayContaining(['math.js']));
    await e2e.waitForState(issue, 'completed');
    console.log(`[recovery] worker killed; restarted and polling after ${restartedAfter} ms; the agent round ran again ${recoveredAfter} ms after the kill (heartbeat time-out 15 s, retry interval 30 s)`);
    expect(recoveredAfter).toBeGreaterThanOrEqual(10_000); // it waited for the heartbeat time-out, not for the start-to-close one
    expect(recoveredAfter).toBeLessThan(60_000);
    outcome = `round resumed ${(recoveredAfter / 1000).toFixed(1)} s after the kill`;
  });
});
