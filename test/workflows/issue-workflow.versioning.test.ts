import pino from 'pino';
import { temporal } from '@temporalio/proto';
import { DefaultLogger, makeTelemetryFilterString, Runtime } from '@temporalio/worker';
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import { loadConfig } from '../../src/config';
import { promoteVersion } from '../../src/infra/worker-deployment';
import { promoteDeploymentVersion } from '../../src/worker/deployment-version';
import { createWorkers, type Workers } from '../../src/worker/workers';
import { createLocalEnv } from '../support/temporal';
import { BUILD_B_COMMENT } from './support/build-b';
import { inState, issueInput, startIssue, waitForStatus, WORKFLOWS_PATH, type IssueHandle } from './support/harness';
import { merged } from './support/signal-args';
import { FORM_ISSUE, MockActivities } from './support/mock-activities';

// Worker Versioning on a real dev server (the time-skipping server has no Worker Deployments):
// issues started on build A (and one from before versioning was on) wait for answers, build B (a
// changed workflow) is deployed and made current, the answers arrive, and every issue completes on
// B, as its history shows.

const E = temporal.api.enums.v1.EventType;
const logger = pino({ level: 'silent' });
const noDescription = { ...FORM_ISSUE, body: FORM_ISSUE.body.replace(/The greeting in the header[^\n]*/, '_No response_') };
const taskQueue = `versions-${process.pid}`;
const deploymentName = `issueflow-versions-${process.pid}`;

let env: TestWorkflowEnvironment;
const running: Array<{ workers: Workers; done: Promise<void> }> = [];

beforeAll(async () => {
  Runtime.install({ logger: new DefaultLogger('ERROR'), telemetryOptions: { logging: { filter: makeTelemetryFilterString({ core: 'ERROR' }) } } });
  env = await createLocalEnv();
}, 120_000);

afterAll(async () => {
  for (const r of running) r.workers.shutdown();
  await Promise.all(running.map((r) => r.done.catch(() => undefined)));
  await env?.teardown();
}, 60_000);

function configOf(buildId: string | undefined) {
  return loadConfig({ TEMPORAL_TASK_QUEUE: taskQueue, ISSUEFLOW_DEPLOYMENT_NAME: deploymentName, ISSUEFLOW_BUILD_ID: buildId, SHUTDOWN_GRACE_SECONDS: '1', GITHUB_WRITES_PER_SECOND: '1000' });
}

/** What `issueflow worker` does: its workers, and with ISSUEFLOW_BUILD_ID its version made current. */
async function deploy(buildId: string | undefined, workflowsPath: string, mock: MockActivities): Promise<Workers> {
  const config = configOf(buildId);
  const activities = mock.activities();
  const workers = await createWorkers({
    config,
    logger,
    connection: env.nativeConnection,
    workflowsPath,
    // Each build as if on its own host: its own queues beside the shared ones.
    hostId: `versioning-${buildId ?? 'unversioned'}`,
    activities: { main: activities, githubWrites: activities, agents: activities, workspace: activities },
  });
  running.push({ workers, done: workers.run() });
  await promoteDeploymentVersion(config.temporal, env.connection, workers.taskQueues, logger);
  return workers;
}

/** The build id of each completed workflow task, and where the first signal (the answer) came in. */
async function buildsOf(handle: IssueHandle): Promise<{ before: string[]; after: string[]; behaviours: string[] }> {
  const events = (await handle.fetchHistory()).events ?? [];
  const answeredAt = events.findIndex((e) => e.eventType === E.EVENT_TYPE_WORKFLOW_EXECUTION_SIGNALED && e.workflowExecutionSignaledEventAttributes?.signalName === 'feedback');
  const completed = events.map((e, i) => ({ i, a: e.workflowTaskCompletedEventAttributes })).filter((x) => x.a);
  const build = (x: (typeof completed)[number]) => `${x.a!.deploymentVersion?.deploymentName}.${x.a!.deploymentVersion?.buildId}`;
  return {
    before: completed.filter((x) => answeredAt < 0 || x.i < answeredAt).map(build),
    after: completed.filter((x) => answeredAt >= 0 && x.i > answeredAt).map(build),
    behaviours: [...new Set(completed.map((x) => temporal.api.enums.v1.VersioningBehavior[x.a!.versioningBehavior ?? 0]))],
  };
}

test('issues waiting on build A (or on an unversioned worker) move to build B when B is made current, and complete there with B\'s change', async () => {
  const mock = new MockActivities();
  mock.issue = noDescription;
  // Before versioning was switched on: an issue of an unversioned worker, which then stops (an upgrade).
  const unversioned = await deploy(undefined, WORKFLOWS_PATH, mock);
  const older = await startIssue(env, taskQueue, issueInput());
  await waitForStatus(older, inState('awaiting-feedback'), 'the question on the unversioned worker', 60_000);
  unversioned.shutdown();
  await running[0].done;

  await deploy('build-a', WORKFLOWS_PATH, mock);
  const onA = await Promise.all([1, 2, 3].map(() => startIssue(env, taskQueue, issueInput())));
  for (const handle of onA) await waitForStatus(handle, inState('awaiting-feedback'), 'the question on build A', 60_000);
  const waiting = [older, ...onA];

  // Build B rolls out while build A keeps running: once B is current, A gets no task of these issues.
  await deploy('build-b', require.resolve('./support/build-b'), mock);
  const { workerDeploymentInfo } = await env.connection.workflowService.describeWorkerDeployment({ namespace: 'default', deploymentName });
  expect(workerDeploymentInfo?.routingConfig?.currentDeploymentVersion?.buildId).toBe('build-b');

  mock.issue = FORM_ISSUE;
  const fresh = await startIssue(env, taskQueue, issueInput());
  for (const handle of waiting) await handle.signal('feedback', { deliveryId: `answer-${handle.workflowId}`, author: 'alice', body: 'Read it from settings.greeting.' });
  for (const handle of [...waiting, fresh]) {
    await waitForStatus(handle, inState('completed'), 'completed on build B', 60_000);
    await handle.signal('pullRequestClosed', merged);
    expect((await handle.result()).outcome).toBe('merged');
  }

  for (const handle of waiting) {
    const builds = await buildsOf(handle);
    expect(new Set(builds.before)).toEqual(new Set([handle === older ? 'undefined.undefined' : `${deploymentName}.build-a`]));
    expect(builds.after.length).toBeGreaterThan(3);
    expect(new Set(builds.after)).toEqual(new Set([`${deploymentName}.build-b`]));
    expect(builds.behaviours).toEqual(handle === older ? ['VERSIONING_BEHAVIOR_UNSPECIFIED', 'VERSIONING_BEHAVIOR_AUTO_UPGRADE'] : ['VERSIONING_BEHAVIOR_AUTO_UPGRADE']);
    const described = await handle.describe();
    expect(described.raw.workflowExecutionInfo?.versioningInfo?.deploymentVersion?.buildId).toBe('build-b');
  }
  expect((await buildsOf(fresh)).before.every((b) => b === `${deploymentName}.build-b`)).toBe(true);
  // B's new step ran once for every issue, those started on A included.
  const thanked = mock.named('upsertComment').filter((c) => (c.args[0] as { key: string }).key === BUILD_B_COMMENT);
  expect(thanked.map((c) => (c.args[0] as { workflowId: string }).workflowId).sort()).toEqual([...waiting, fresh].map((h) => h.workflowId).sort());

  // A manual rollout leaves a current version alone: a restarted build A does not take over again.
  expect(await promoteVersion({ connection: env.connection, namespace: 'default', version: { deploymentName, buildId: 'build-a' }, rollout: 'manual', taskQueues: running[1].workers.taskQueues })).toEqual({
    outcome: 'left-to-operator',
    current: 'build-b',
  });
}, 240_000);
