import { Worker, type NativeConnection, type WorkerOptions, type WorkflowBundleOption } from '@temporalio/worker';
import type { Config } from '../config';
import { hostQueues } from '../domain/host-queues';
import { sharedQueues } from '../domain/task-queues';
import type { Logger } from '../logger';
import { HEARTBEAT_EVERY_MS } from '../activities/heartbeat';
import type { ActivityGroups } from '../activities/activity-groups';
import { prebuiltWorkflowBundle } from './workflow-bundle';
import { bundleWorkflowsApart } from './workflow-bundle-apart';

/** The running workers of one process, and the task queues they poll. */
export interface Workers {
  /** Every task queue these workers poll (a deployment version is made current only once all are polled). */
  taskQueues: string[];
  run(): Promise<void>;
  shutdown(): void;
  /** Issue workflows held in memory now (the workflow worker's cache, at most WORKFLOW_CACHE_SIZE). */
  cachedWorkflows(): number;
}

/**
 * Heartbeats leave as often as activities heartbeat, twice a second (the SDK's default throttle is up to a minute): a cancellation
 * arrives in a heartbeat's response, so this bounds how late a cancelled agent or test run hears of it.
 */
export const HEARTBEAT_THROTTLE = { maxHeartbeatThrottleInterval: HEARTBEAT_EVERY_MS, defaultHeartbeatThrottleInterval: HEARTBEAT_EVERY_MS } as const;

/** The worker process's workers: workflows + main activities, GitHub writes, agent runs, and this host's own two queues. */
export async function createWorkers(options: {
  config: Config;
  logger: Logger;
  connection: NativeConnection;
  activities: ActivityGroups;
  /** This worker's id (src/worker/host-id.ts): its own task queues take the rounds whose worktree it holds. */
  hostId: string;
  workflowsPath?: string;
}): Promise<Workers> {
  const { config, connection, activities } = options;
  const own = hostQueues(config.temporal.taskQueue, options.hostId);
  const queues = sharedQueues(config.temporal.taskQueue);
  const shared = { connection, namespace: config.temporal.namespace, shutdownGraceTime: `${config.shutdownGraceSeconds}s`, ...HEARTBEAT_THROTTLE, ...deploymentOptions(config.temporal.versioning) } as const;
  const workers = [
    await Worker.create({
      ...shared,
      taskQueue: config.temporal.taskQueue,
      // The prestart's bundle when nothing changed since (src/worker/workflow-bundle.ts): seconds off each start;
      // else bundled in a child process, whose webpack memory is given back when it exits.
      workflowBundle: await workerWorkflowCode(options.workflowsPath),
      // Sized to the issues busy at once: a waiting issue is evicted and replays its (short) history on its reply.
      ...workflowCacheOptions(config.temporal.workflowCacheSize),
      activities: activities.main,
    }),
    await Worker.create({
      ...shared,
      taskQueue: queues.githubWrites,
      activities: activities.githubWrites,
      // No task-queue rate limit: the server splits it across the queue's partitions (a quarter of the configured
      // rate reached GitHub) and it cannot burst. Each write takes a token of the budget in PostgreSQL instead
      // (src/activities/github/write-budget.ts), shaped like GitHub's own limits.
    }),
    await Worker.create({
      ...shared,
      taskQueue: queues.agents,
      activities: activities.agents,
      maxConcurrentActivityTaskExecutions: config.agent.concurrency,
    }),
    // One round, one host: a round's first step (prepare, on the shared queue) says which worker holds the
    // worktree, and the round's other steps come here (temporalio/samples-typescript worker-specific-task-queues).
    await Worker.create({ ...shared, taskQueue: own.workspace, activities: activities.workspace }),
    // Its runs start at once and wait in the activity for one of the process's AGENT_CONCURRENCY slots
    // (activities/agent/slots.ts), heartbeating: so a busy worker is told from a dead one. The shared agents
    // queue above is kept for runs started before rounds had a host, until their next prepare.
    await Worker.create({ ...shared, taskQueue: own.agents, activities: activities.agents }),
  ];
  return {
    taskQueues: workers.map((w) => w.options.taskQueue),
    run: async () => {
      await Promise.all(workers.map((w) => w.run()));
    },
    shutdown: () => {
      for (const w of workers) if (w.getState() === 'RUNNING') w.shutdown();
    },
    cachedWorkflows: () => workers[0].getStatus().numCachedWorkflows,
  };
}

/**
 * The SDK's default cache grows with the heap limit (~2,000 workflows), so every waiting issue stayed in memory.
 * Its default pollers (10, a fifth on the normal queue) took a new issue's first workflow task 2 at a time: with 20
 * issues triggered at once the first task was picked up 333-408 ms after the start (p50, the issue-flow bench);
 * with half of up to 20 polls on each queue, 142-147 ms, the sticky queue keeping its 10.
 */
export function workflowCacheOptions(size: number): Pick<WorkerOptions, 'maxCachedWorkflows' | 'maxConcurrentWorkflowTaskExecutions' | 'maxConcurrentWorkflowTaskPolls' | 'nonStickyToStickyPollRatio'> {
  // The SDK refuses more concurrent workflow tasks than cached workflows (40 is its default), and more polls than tasks.
  const tasks = Math.min(40, size);
  return { maxCachedWorkflows: size, maxConcurrentWorkflowTaskExecutions: tasks, maxConcurrentWorkflowTaskPolls: Math.min(20, tasks), nonStickyToStickyPollRatio: 0.5 };
}

/**
 * With ISSUEFLOW_BUILD_ID every worker of the process belongs to one Worker Deployment Version, and
 * both workflow types auto-upgrade: an issue waits for people for days, longer than an old build
 * keeps running, and a single machine's upgrade stops the old build at once; so `patched()` still
 * guards every change of an existing path (README, "Upgrades"). Set here, not with
 * setWorkflowOptions in the workflow code: the server refuses a workflow task that names a
 * versioning behaviour from a worker without versioning, which would break every unversioned worker.
 */
function deploymentOptions(versioning: Config['temporal']['versioning']): Pick<WorkerOptions, 'workerDeploymentOptions'> {
  if (!versioning) return {};
  return { workerDeploymentOptions: { useWorkerVersioning: true, version: versioning.version, defaultVersioningBehavior: 'AUTO_UPGRADE' } };
}

/**
 * The workflow code a workflow worker runs: the prestart's bundle when nothing changed since
 * (src/worker/workflow-bundle.ts), else bundled in a child process, whose webpack memory is given back when it exits.
 */
export async function workerWorkflowCode(workflowsPath?: string): Promise<WorkflowBundleOption> {
  return (workflowsPath ? undefined : prebuiltWorkflowBundle()) ?? (await bundleWorkflowsApart(workflowsPath ?? require.resolve('../workflows')));
}
