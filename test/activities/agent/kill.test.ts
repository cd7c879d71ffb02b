import { readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { CancelledFailure } from '@temporalio/common';
import { processAlive } from '../../support/scripted-agent';
import { activityEnv, useAgentFixture, type AgentFixture } from '../../support/scripted-agent/fixture';

/** The pids the scripted agent wrote: itself and the grandchild that ignores SIGTERM. */
function pids(fx: AgentFixture): number[] {
  return ['../agent.pid', '../child.pid'].map((f) => Number(readFileSync(join(fx.workdir, f), 'utf8')));
}

function forgetPids(fx: AgentFixture): void {
  for (const f of ['../agent.pid', '../child.pid']) rmSync(join(fx.workdir, f), { force: true });
}

const HANG = 'agent: write-pid ../agent.pid\nagent: spawn-child ../child.pid\nagent: hang';

async function waitFor(check: () => boolean, ms = 5000): Promise<void> {
  const until = Date.now() + ms;
  while (!check()) {
    if (Date.now() > until) throw new Error('timed out waiting');
    await new Promise((r) => setTimeout(r, 20));
  }
}

/** These tests read pids the agent writes: outside a sandbox, whose pids are its own (sandbox.test.ts kills inside one). */
const PIDS_OF_THE_HOST = { ISSUEFLOW_SANDBOX: 'off' } as const;

describe('stopping agents: the whole process group goes', () => {
  let fx: AgentFixture;
  useAgentFixture((suite) => ({ fx } = suite));

  test('an agent that goes quiet is killed at its idle limit (from its output, not the heartbeats), with its grandchild, before the run returns', async () => {
    forgetPids(fx);
    const { run: runIn } = activityEnv(60_000);
    const started = Date.now();
    const err = (await runIn(fx.agent(PIDS_OF_THE_HOST, { idleTimeoutMs: 1500 }).runAgent, fx.input(HANG)).catch((e: unknown) => e)) as Error & { type?: string };
    expect(err).toMatchObject({ type: 'AgentTimedOut', nonRetryable: true });
    expect(err.message).toMatch(/printed nothing for 2 s/);
    expect(Date.now() - started).toBeGreaterThanOrEqual(1500);
    expect(Date.now() - started).toBeLessThan(4000);
    // Already dead when the run returned: the grandchild ignored SIGTERM and needed the SIGKILL.
    for (const pid of pids(fx)) expect(processAlive(pid)).toBe(false);
  });

  test('cancellation kills the agent and its grandchild within 2 s', async () => {
    forgetPids(fx);
    const { env, run: runIn, heartbeats } = activityEnv(60_000);
    const run = runIn(fx.agent(PIDS_OF_THE_HOST).runAgent, fx.input(HANG)).catch((e: unknown) => e);
    await waitFor(() => heartbeats.length > 0);
    await waitFor(() => {
      try {
        return pids(fx).every(processAlive);
      } catch {
        return false;
      }
    });
    const [agentPid, childPid] = pids(fx);
    const cancelledAt = Date.now();
    env.cancel();
    expect(await run).toBeInstanceOf(CancelledFailure);
    // The run ends only once the group is dead, the grandchild that ignores SIGTERM included.
    expect([processAlive(agentPid), processAlive(childPid)]).toEqual([false, false]);
    expect(Date.now() - cancelledAt).toBeLessThan(2000);
  });

  test('the hard time-out stops an agent that keeps talking', async () => {
    const prompt = Array.from({ length: 200 }, (_, i) => `agent: say still working ${i}\nagent: sleep ${100 + i}`).join('\n');
    const err = (await activityEnv(60_000).run(fx.agent(PIDS_OF_THE_HOST).runAgent, fx.input(prompt, { timeoutMinutes: 0.02 })).catch((e: unknown) => e)) as Error & { type?: string };
    expect(err).toMatchObject({ type: 'AgentTimedOut' });
    expect(err.message).toMatch(/longer than 0.02 minutes/);
    expect(err.message).toContain('still working');
  });
});
