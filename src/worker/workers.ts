import { Worker, type NativeConnection } from '@temporalio/worker';
import type { Config } from '../config';
import type { Logger } from '../logger';
import { HEARTBEAT_EVERY_MS } from '../activities/heartbeat';

/** Activities split by the task queue they run on. */
export interface ActivityGroups {
  /** Reads, git, tests, notifications: the issue workflow's own task queue. */
  main: object;
  /** Comment, label, PR and reaction writes: rate-limited to stay inside GitHub's content budget. */
  githubWrites: object;
  /** Agent CLI runs: at most AGENT_CONCURRENCY at once per worker process. */
  agents: object;
}

export interface Workers {
  run(): Promise<void>;
  shutdown(): void;
}

/**
 * Heartbeats leave as often as activities heartbeat, twice a second (the SDK's default throttle is up to a minute): a cancellation
 * arrives in a heartbeat's response, so this bounds how late a cancelled agent or test run hears of it.
 */
export const HEARTBEAT_THROTTLE = { maxHeartbeatThrottleInterval: HEARTBEAT_EVERY_MS, defaultHeartbeatThrottleInterval: HEARTBEAT_EVERY_MS } as const;

/** The worker process's three workers: workflows + main activities, GitHub writes, agent runs. */
/** The most GitHub writes (POST/PATCH/PUT/DELETE) one activity of the write queue makes. */
export const WRITES_PER_ACTIVITY = 2;

export async function createWorkers(options: {
  config: Config;
  logger: Logger;
  connection: NativeConnection;
  activities: ActivityGroups;
  workflowsPath?: string;
}): Promise<Workers> {
  const { config, connection, activities } = options;
  const shared = { connection, namespace: config.temporal.namespace, shutdownGraceTime: `${config.shutdownGraceSeconds}s`, ...HEARTBEAT_THROTTLE } as const;
  const workers = [
    await Worker.create({
      ...shared,
      taskQueue: config.temporal.taskQueue,
      workflowsPath: options.workflowsPath ?? require.resolve('../workflows'),
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
  ];
  return {
    run: async () => {
      await Promise.all(workers.map((w) => w.run()));
    },
    shutdown: () => {
      for (const w of workers) if (w.getState() === 'RUNNING') w.shutdown();
    },
  };
}
