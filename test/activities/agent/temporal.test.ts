import { readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { DefaultLogger, Runtime, Worker } from '@temporalio/worker';
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import { ActivityFailure, ApplicationFailure, CancelledFailure } from '@temporalio/common';
import { WorkflowFailedError } from '@temporalio/client';
import { createLocalEnv } from '../../support/temporal';
import { createTestDatabase, type TestDatabase } from '../../support/database';
import { processAlive } from '../../support/scripted-agent';
import { agentFixture, type AgentFixture } from '../../support/scripted-agent/fixture';
import { agentStepWorkflow } from '../../support/scripted-agent/agent-workflow';
import { HEARTBEAT_THROTTLE } from '../../../src/worker/workers';

/** The agents' idle limit here: longer than the heartbeat time-outs below, which the heartbeats must outlive. */
const IDLE_MS = 6000;
const HANG = 'agent: write-pid ../agent.pid\nagent: spawn-child ../child.pid\nagent: hang';
const pidFiles = ['../agent.pid', '../child.pid'];

describe('runAgent under a real Temporal worker', () => {
  let env: TestWorkflowEnvironment;
  let db: TestDatabase;
  let fx: AgentFixture;
  let worker: Worker;
  let running: Promise<void>;
  const taskQueue = 'agent-test';

  beforeAll(async () => {
    // The failures are the point of these tests; keep the worker's own warnings about them quiet.
    Runtime.install({ logger: new DefaultLogger('ERROR') });
    [env, db] = await Promise.all([createLocalEnv(), createTestDatabase()]);
    fx = await agentFixture(db);
    worker = await Worker.create({
      connection: env.nativeConnection,
      taskQueue,
      workflowsPath: require.resolve('../../support/scripted-agent/agent-workflow'),
      // The cancellation test reads pids the agent writes: outside a sandbox, whose pids are its own (sandbox.test.ts kills inside one).
      activities: fx.agent({ ISSUEFLOW_SANDBOX: 'off', AGENT_IDLE_MINUTES: String(IDLE_MS / 60_000) }),
      // As the service's workers: heartbeats leave twice a second, whatever the heartbeat time-out.
      ...HEARTBEAT_THROTTLE,
    });
    running = worker.run();
  }, 120_000);
  afterAll(async () => {
    worker?.shutdown();
    await running;
    await env?.teardown();
    fx?.cleanup();
    await db?.drop();
  });
  beforeEach(() => pidFiles.forEach((f) => rmSync(join(fx.workdir, f), { force: true })));

  const pids = () => pidFiles.map((f) => Number(readFileSync(join(fx.workdir, f), 'utf8')));
  const start = (id: string, prompt: string, heartbeatTimeout: string) =>
    env.client.workflow.start(agentStepWorkflow, { taskQueue, workflowId: id, args: [fx.input(prompt), heartbeatTimeout] });

  test('a quiet agent outlives a 2 s heartbeat time-out (timer heartbeats) and fails the step with AgentTimedOut at its idle limit', async () => {
    const started = Date.now();
    const handle = await start('idle', HANG, '2 seconds');
    const err = await handle.result().catch((e: unknown) => e);
    expect(err).toBeInstanceOf(WorkflowFailedError);
    const cause = ((err as WorkflowFailedError).cause as ActivityFailure).cause as ApplicationFailure;
    expect(cause.type).toBe('AgentTimedOut');
    expect(Date.now() - started).toBeGreaterThanOrEqual(IDLE_MS);
    for (const pid of pids()) expect(processAlive(pid)).toBe(false);
  });

  test('cancelling the workflow kills the quiet agent and its grandchild within 2 s, with the service heartbeat time-out', async () => {
    const handle = await start('cancel', HANG, '15 seconds');
    const until = Date.now() + 30_000;
    for (;;) {
      try {
        if (pids().every(processAlive)) break;
      } catch {
        // Not written yet.
      }
      if (Date.now() > until) throw new Error('the agent did not start');
      await new Promise((r) => setTimeout(r, 50));
    }
    const [agentPid, childPid] = pids();
    const cancelledAt = Date.now();
    await handle.cancel();
    while ((processAlive(agentPid) || processAlive(childPid)) && Date.now() - cancelledAt < 5000) await new Promise((r) => setTimeout(r, 20));
    expect(Date.now() - cancelledAt).toBeLessThan(2000);
    const err = await handle.result().catch((e: unknown) => e);
    expect((err as WorkflowFailedError).cause).toBeInstanceOf(CancelledFailure);
  });
});
