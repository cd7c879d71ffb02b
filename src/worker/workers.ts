import { Worker, type NativeConnection, type WorkerOptions } from '@temporalio/worker';
import type { Config } from '../config';
import { hostQueues } from '../domain/host-queues';
import type { Logger } from '../logger';
import { HEARTBEAT_EVERY_MS } from '../activities/heartbeat';
import { bundleWorkflowsApart } from './workflow-bundle';

/** Activities split by the task queue they run on. */
export interface ActivityGroups {
  /** Reads, git, tests, notifications: the issue workflow's own task queue. */
  main: object;
  /** Comment, label, PR and reaction writes: rate-limited to stay inside GitHub's content budget. */
  githubWrites: object;
  /** Agent CLI runs: at most AGENT_CONCURRENCY at once per worker process. */
  agents: object;
  /** Prepare, commit and push, merge of the base, tests, clean-up: the steps that need this worker's worktree. */
  workspace: object;
}

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

/** The most GitHub writes (POST/PATCH/PUT/DELETE) one activity of the write queue makes. */
export const WRITES_PER_ACTIVITY = 2;

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
  const shared = { connection, namespace: config.temporal.namespace, shutdownGraceTime: `${config.shutdownGraceSeconds}s`, ...HEARTBEAT_THROTTLE, ...deploymentOptions(config) } as const;
  const workers = [
    await Worker.create({
      ...shared,
      taskQueue: config.temporal.taskQueue,
      workflowBundle: await bundleWorkflowsApart(options.workflowsPath ?? require.resolve('../workflows')),
      // Sized to the issues busy at once: a waiting issue is evicted and replays its (short) history on its reply.
      ...workflowCacheOptions(config.temporal.workflowCacheSize),
      activities: activities.main,
    }),
    await Worker.create({
      ...shared,
      taskQueue: config.temporal.githubWriteTaskQueue,
      activities: activities.githubWrites,
      // GITHUB_WRITES_PER_SECOND counts GitHub writes; a write activity makes up to two (a state label: add, then remove the old).
      maxTaskQueueActivitiesPerSecond: config.github.writesPerSecond / WRITES_PER_ACTIVITY,
    }),
    await Worker.create({
      ...shared,
      taskQueue: config.temporal.agentTaskQueue,
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

/** The SDK's default cache grows with the heap limit (~2,000 workflows), so every waiting issue stayed in memory. */
export function workflowCacheOptions(size: number): Pick<WorkerOptions, 'maxCachedWorkflows' | 'maxConcurrentWorkflowTaskExecutions'> {
  // The SDK refuses more concurrent workflow tasks than cached workflows (40 is its default).
  return { maxCachedWorkflows: size, maxConcurrentWorkflowTaskExecutions: Math.min(40, size) };
}

/**
 * With ISSUEFLOW_BUILD_ID every worker of the process belongs to one Worker Deployment Version, and
 * both workflow types auto-upgrade: an issue waits for people for days, longer than an old build
 * keeps running, and a single machine's upgrade stops the old build at once; so `patched()` still
 * guards every change of an existing path (README, "Upgrades"). Set here, not with
 * setWorkflowOptions in the workflow code: the server refuses a workflow task that names a
 * versioning behaviour from a worker without versioning, which would break every unversioned worker.
 */
function deploymentOptions(config: Config): Pick<WorkerOptions, 'workerDeploymentOptions'> {
  const versioning = config.temporal.versioning;
  if (!versioning) return {};
  return { workerDeploymentOptions: { useWorkerVersioning: true, version: versioning.version, defaultVersioningBehavior: 'AUTO_UPGRADE' } };
}
