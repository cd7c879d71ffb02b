import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pino from 'pino';
import { MockActivityEnvironment } from '@temporalio/testing';
import type { Info } from '@temporalio/activity';
import { loadConfig, type Env } from '../../../src/config';
import { createAgentActivities, type AgentDeps } from '../../../src/activities/agent';
import { createWorkspaceActivities, worktreePath } from '../../../src/activities/workspace';
import type { AgentRunInput } from '../../../src/activities/types';
import { createBareRepo, type TestRepo } from '../git-repos';
import { createTestDatabase, type TestDatabase } from '../database';
import { scriptedAgentCommand } from './index';

export const ref = { owner: 'acme', repo: 'tiny', issueNumber: 9 };
export const branch = 'issueflow/issue-9';

/** A prepared worktree of the tiny repo and an agent runner that uses the scripted agent. */
export interface AgentFixture {
  repo: TestRepo;
  dataDir: string;
  workdir: string;
  agent(env?: Env, deps?: Partial<AgentDeps>): ReturnType<typeof createAgentActivities>;
  input(prompt: string, more?: Partial<AgentRunInput>): AgentRunInput;
  cleanup(): void;
}

export async function agentFixture(db: TestDatabase): Promise<AgentFixture> {
  const repo = createBareRepo();
  const dataDir = mkdtempSync(join(tmpdir(), 'issueflow-agent-'));
  const base: Env = { ISSUEFLOW_DATA_DIR: dataDir, GIT_CLONE_URL: repo.cloneUrlTemplate, AGENT: 'custom', AGENT_COMMAND: scriptedAgentCommand() };
  const logger = pino({ level: 'silent' });
  await createWorkspaceActivities({ config: loadConfig(base), pool: db.pool, logger }).prepareWorkspace({ ref, branch });
  let n = 0;
  return {
    repo,
    dataDir,
    workdir: worktreePath(dataDir, ref),
    agent: (env = {}, deps = {}) => createAgentActivities({ config: loadConfig({ ...base, ...env }), pool: db.pool, logger, killGraceMs: 300, ...deps }),
    input: (prompt, more = {}) => ({ workflowId: `acme/tiny#9-${++n}`, ref, branch, mode: 'implement', prompt, step: 'implement-1', timeoutMinutes: 1, ...more }),
    cleanup: () => {
      repo.cleanup();
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

/** Registers, for the enclosing suite, a fresh database and an agent fixture on it, hands both over, and removes both after. */
export function useAgentFixture(set: (suite: { db: TestDatabase; fx: AgentFixture }) => void): void {
  let db: TestDatabase | undefined;
  let fx: AgentFixture | undefined;
  beforeAll(async () => {
    db = await createTestDatabase();
    fx = await agentFixture(db);
    set({ db, fx });
  });
  afterAll(async () => {
    fx?.cleanup();
    await db?.drop();
  });
}

const quiet = () => undefined;
/** The SDK logs every failed activity; the tests check the failures themselves. */
export const quietLogger = { log: quiet, trace: quiet, debug: quiet, info: quiet, warn: quiet, error: quiet };

/** A mock activity context that records heartbeats; `info` as a retried attempt would see it (its `heartbeatDetails`). */
export function activityEnv(heartbeatTimeoutMs?: number, info: Partial<Info> = {}): {
  env: MockActivityEnvironment;
  heartbeats: unknown[];
  /** `env.run` with the activity's result type kept. */
  run<P extends unknown[], R>(fn: (...args: P) => Promise<R>, ...args: P): Promise<R>;
} {
  const env = new MockActivityEnvironment({ ...info, ...(heartbeatTimeoutMs ? { heartbeatTimeoutMs } : {}) }, { logger: quietLogger });
  const heartbeats: unknown[] = [];
  env.on('heartbeat', (d: unknown) => heartbeats.push(d));
  const run = <P extends unknown[], R>(fn: (...args: P) => Promise<R>, ...args: P) => env.run<P, R, typeof fn>(fn, ...args);
  return { env, heartbeats, run };
}

/** Total characters stored in run_logs for one workflow. */
export async function storedChars(db: TestDatabase, workflowId: string): Promise<number> {
  const r = await db.pool.query<{ n: string | null }>('SELECT sum(length(chunk)) AS n FROM run_logs WHERE workflow_id = $1', [workflowId]);
  return Number(r.rows[0].n ?? 0);
}
