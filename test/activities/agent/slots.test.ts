import { MockActivityEnvironment } from '@temporalio/testing';
import { CancelledFailure } from '@temporalio/common';
import type { AgentActivities, AgentRunInput, AgentRunResult } from '../../../src/activities/types';
import { withAgentSlots } from '../../../src/activities/agent/slots';

const result: AgentRunResult = { agent: 'custom', exitCode: 0, resultText: 'done', outputTail: '', durationMs: 1 };
const input = (step: string) => ({ step }) as unknown as AgentRunInput;

/** Agent runs that end when the test says so, recording which ran. */
function gatedAgents() {
  const started: string[] = [];
  const finish = new Map<string, () => void>();
  const agents: AgentActivities = {
    runAgent: (i) =>
      new Promise((resolve) => {
        started.push(i.step);
        finish.set(i.step, () => resolve(result));
      }),
  };
  return { agents, started, finish: (step: string) => finish.get(step)!() };
}

const tick = () => new Promise((r) => setTimeout(r, 20));

test('at most `concurrency` runs at once: a run waits for a slot and starts when one frees', async () => {
  const { agents, started, finish } = gatedAgents();
  const limited = withAgentSlots(agents, 1);
  const waitingEnv = new MockActivityEnvironment();
  const first = new MockActivityEnvironment().run(limited.runAgent, input('a'));
  const second = waitingEnv.run(limited.runAgent, input('b'));
  await tick();
  expect(started).toEqual(['a']);
  finish('a');
  await expect(first).resolves.toEqual(result);
  await tick();
  expect(started).toEqual(['a', 'b']);
  finish('b');
  await expect(second).resolves.toEqual(result);
});

test('a run cancelled while it waits gives up its place, and the next one gets the slot', async () => {
  const { agents, started, finish } = gatedAgents();
  const limited = withAgentSlots(agents, 1);
  const first = new MockActivityEnvironment().run(limited.runAgent, input('a'));
  const cancelledEnv = new MockActivityEnvironment();
  const cancelled = cancelledEnv.run(limited.runAgent, input('b'));
  const third = new MockActivityEnvironment().run(limited.runAgent, input('c'));
  await tick();
  cancelledEnv.cancel();
  await expect(cancelled).rejects.toBeInstanceOf(CancelledFailure);
  finish('a');
  await first;
  await tick();
  expect(started).toEqual(['a', 'c']);
  finish('c');
  await expect(third).resolves.toEqual(result);
});
