import pino from 'pino';
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import { loadConfig } from '../../src/config';
import { createWorkers, workflowCacheOptions, type Workers } from '../../src/worker/workers';
import { inState, issueInput, startIssue, useIssueflowTestEnv, waitForStatus, WORKFLOWS_PATH } from '../workflows/support/harness';
import { FORM_ISSUE, MockActivities } from '../workflows/support/mock-activities';

let env: TestWorkflowEnvironment;
useIssueflowTestEnv((e) => (env = e));

const noDescription = { ...FORM_ISSUE, body: FORM_ISSUE.body.replace(/The greeting in the header[^\n]*/, '_No response_') };
const merged = { deliveryId: 'pr-closed', pullRequestNumber: 101, merged: true };

test('WORKFLOW_CACHE_SIZE: ten per agent slot by default, at least 2, and the workflow worker is sized by it', () => {
  expect(loadConfig({}).temporal.workflowCacheSize).toBe(20);
  expect(loadConfig({ AGENT_CONCURRENCY: '5' }).temporal.workflowCacheSize).toBe(50);
  expect(loadConfig({ WORKFLOW_CACHE_SIZE: '7' }).temporal.workflowCacheSize).toBe(7);
  expect(() => loadConfig({ WORKFLOW_CACHE_SIZE: '1' })).toThrow(/WORKFLOW_CACHE_SIZE/);
  expect(() => loadConfig({ WORKFLOW_CACHE_SIZE: 'lots' })).toThrow(/WORKFLOW_CACHE_SIZE/);
  expect(workflowCacheOptions(100)).toEqual({ maxCachedWorkflows: 100, maxConcurrentWorkflowTaskExecutions: 40, maxConcurrentWorkflowTaskPolls: 20, nonStickyToStickyPollRatio: 0.5 });
  expect(workflowCacheOptions(3)).toEqual({ maxCachedWorkflows: 3, maxConcurrentWorkflowTaskExecutions: 3, maxConcurrentWorkflowTaskPolls: 3, nonStickyToStickyPollRatio: 0.5 });
});

test('with WORKFLOW_CACHE_SIZE=2 three waiting issues keep two in memory, and the evicted one still takes its answer', async () => {
  const taskQueue = `cache-${process.pid}`;
  const config = loadConfig({ TEMPORAL_TASK_QUEUE: taskQueue, WORKFLOW_CACHE_SIZE: '2', GITHUB_WRITES_PER_SECOND: '1000', SHUTDOWN_GRACE_SECONDS: '1' });
  const mock = new MockActivities();
  mock.issue = noDescription;
  const activities = mock.activities();
  const workers: Workers = await createWorkers({
    config,
    logger: pino({ level: 'silent' }),
    connection: env.nativeConnection,
    workflowsPath: WORKFLOWS_PATH,
    hostId: 'cache-test',
    activities: { main: activities, githubWrites: activities, agents: activities, workspace: activities },
  });
  const done = workers.run();
  try {
    const first = await startIssue(env, taskQueue, issueInput());
    await waitForStatus(first, inState('awaiting-feedback'), 'the first question');
    const others = [await startIssue(env, taskQueue, issueInput()), await startIssue(env, taskQueue, issueInput())];
    for (const handle of others) await waitForStatus(handle, inState('awaiting-feedback'), 'a later question');
    // The SDK's default cache (~2,000 with a usual heap) would hold all three.
    expect(workers.cachedWorkflows()).toBe(2);

    await first.signal('feedback', { deliveryId: 'answer-1', author: 'alice', body: 'Read the greeting from settings.greeting.' });
    await waitForStatus(first, inState('completed'), 'completed after the answer');
    await first.signal('pullRequestClosed', merged);
    expect((await first.result()).outcome).toBe('merged');
    // The replay of the evicted workflow ran no activity twice: one question, one agent plan.
    // A comment is written alone (upsertComment) or beside the status (publishStatus, with coalesced status writes).
    type Written = { workflowId: string; key?: string; comments?: { key: string }[] };
    const written = [...mock.named('upsertComment'), ...mock.named('publishStatus')].map((c) => c.args[0] as Written).filter((a) => a.workflowId === first.workflowId);
    const questions = written.flatMap((a) => [...(a.key ? [a.key] : []), ...(a.comments ?? []).map((c) => c.key)]).filter((key) => key === 'question-1');
    expect(questions).toHaveLength(1);
    expect(mock.agentRuns('plan').filter((r) => r.prompt.includes('settings.greeting'))).toHaveLength(1);
    expect(workers.cachedWorkflows()).toBeLessThanOrEqual(2);
  } finally {
    workers.shutdown();
    await done;
  }
}, 120_000);
