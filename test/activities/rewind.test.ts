import type { TestWorkflowEnvironment } from '@temporalio/testing';
import { Client } from '@temporalio/client';
import { MockActivityEnvironment } from '@temporalio/testing';
import { Worker } from '@temporalio/worker';
import { createRewindActivities, type RewindReport } from '../../src/activities/rewind';
import { createLocalEnv, quietRuntime } from '../support/temporal';

// A workflow recorded by v1 and then worked on by a v2 worker whose second activity differs: the v2 worker cannot
// replay the history (TMPRL1100), as a worker could not replay the history a status query split (README, "Known limit").
jest.setTimeout(120_000);

let env: TestWorkflowEnvironment;
beforeAll(async () => {
  quietRuntime();
  env = await createLocalEnv();
}, 120_000);
afterAll(() => env?.teardown());

const taskQueue = 'rewind-test';
const activities = { step: async (name: string) => name, otherStep: async (name: string) => `other ${name}` };
const v2 = { workflowsPath: require.resolve('./support/drifting/v2') };

function sweep(client: Client = env.client): Promise<RewindReport> {
  const rewind = createRewindActivities({ client, workflowCode: async () => v2 });
  return new MockActivityEnvironment().run(rewind.rewindDivergedWorkflows, { workflowTypes: ['driftingWorkflow'], maxRewinds: 3 });
}

async function until<T>(what: string, read: () => Promise<T | undefined>, ms = 30_000): Promise<T> {
  const end = Date.now() + ms;
  for (;;) {
    const value = await read();
    if (value !== undefined) return value;
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 200));
  }
}

test('a workflow its worker cannot replay is rewound to the task that diverged, keeps its signal and finishes on the new code', async () => {
  const workflowId = `drift-${Date.now()}`;
  const v1Worker = await Worker.create({ connection: env.nativeConnection, taskQueue, workflowsPath: require.resolve('./support/drifting/v1'), activities });
  const handle = await v1Worker.runUntil(async () => {
    const h = await env.client.workflow.start('driftingWorkflow', { taskQueue, workflowId });
    await until('both v1 steps', async () => ((await h.fetchHistory()).events ?? []).filter((e) => e.activityTaskCompletedEventAttributes).length >= 2 || undefined);
    return h;
  });
  const firstRunId = (await handle.describe()).runId;

  const v2Worker = await Worker.create({ connection: env.nativeConnection, taskQueue, ...v2, activities });
  await v2Worker.runUntil(async () => {
    await handle.signal('go');
    // Stuck: the v2 worker fails the task again and again.
    await until('the task to fail twice', async () => ((await handle.describe()).raw.pendingWorkflowTask?.attempt ?? 0) >= 2 || undefined);

    const report = await sweep();
    expect(report.left).toEqual([]);
    expect(report.rewound).toEqual([{ workflowId, runId: firstRunId, toEvent: expect.any(Number), newRunId: expect.any(String) }]);
    // Rewound to the task that scheduled v1's second step: v2 schedules its own there.
    const old = (await env.client.workflow.getHandle(workflowId, firstRunId).fetchHistory()).events ?? [];
    const divergent = old.find((e) => e.activityTaskScheduledEventAttributes?.activityType?.name === 'step' && Number(e.activityTaskScheduledEventAttributes.workflowTaskCompletedEventId) === report.rewound[0].toEvent);
    expect(divergent).toBeDefined();

    // The signal sent before the rewind is kept: the workflow goes on past its wait, on the new code.
    expect(await env.client.workflow.getHandle(workflowId).result()).toEqual(['first', 'other second', 'last-v2']);
    expect((await env.client.workflow.getHandle(workflowId).describe()).runId).toBe(report.rewound[0].newRunId);

    // Nothing is stuck any more: a second sweep (or a retry of the first) rewinds nothing.
    const again = await sweep();
    expect(again.rewound).toEqual([]);
  });
});

test('a workflow that is not stuck is looked at and left alone; one that cannot be looked at is reported, not fatal', async () => {
  const workflowId = `calm-${Date.now()}`;
  const worker = await Worker.create({ connection: env.nativeConnection, taskQueue: `${taskQueue}-calm`, ...v2, activities });
  await worker.runUntil(async () => {
    const h = await env.client.workflow.start('driftingWorkflow', { taskQueue: `${taskQueue}-calm`, workflowId });
    await until('both steps', async () => ((await h.fetchHistory()).events ?? []).filter((e) => e.activityTaskCompletedEventAttributes).length >= 2 || undefined);
    const report = await sweep();
    expect(report.checked).toBeGreaterThanOrEqual(1);
    expect(report.rewound).toEqual([]);
    expect(report.left).toEqual([]);

    // One workflow that cannot be looked at (here: its describe fails) is reported, and the sweep goes on.
    const failing = new Client({
      connection: env.connection,
      interceptors: { workflow: [{ describe: (input, next) => (input.workflowExecution.workflowId === workflowId ? Promise.reject(new Error('describe refused')) : next(input)) }] },
    });
    const partial = await sweep(failing);
    expect(partial.left).toEqual([{ workflowId, why: 'could not be looked at: describe refused' }]);
    expect(partial.checked).toBe(report.checked);

    await h.signal('go');
    expect(await h.result()).toEqual(['first', 'other second', 'last-v2']);
  });
});
