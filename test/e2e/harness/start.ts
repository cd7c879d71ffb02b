import { randomBytes } from 'node:crypto';
import { chmodSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import { GithubStandin, type StandinOptions } from '../../support/github-standin';
import { branchSha, createBareRepo, git, mergeState, nodeProjectFiles, type TestRepo } from '../../support/git-repos';
import { createTestDatabase, type TestDatabase } from '../../support/database';
import { freePort } from '../../support/ports';
import { scriptedAgentCommand } from '../../support/scripted-agent';
import { createLocalEnv } from '../../support/temporal';
import { WebhookSender, type DeliveryOptions } from './deliveries';
import { BOT_LOGIN, E2E } from './e2e';
import { buildIfStale, IssueflowProcess, waitForApi, waitForWorker } from './processes';
import { OwnPostgres, OwnTemporal } from './own-infra';

/** `.github/issueflow.yml` of the e2e repo unless a suite gives its own: no approval, short time-outs. */
export const DEFAULT_REPO_CONFIG = ['testCommand: npm test', 'approval: never', 'maxFixAttempts: 1', 'timeouts:', '  agentMinutes: 2', '  testMinutes: 1', ''].join('\n');

export interface E2EOptions {
  /** `owner/name` of the one repository (default `acme/widgets`); its owner is an admin. */
  repo?: string;
  /** The text of `.github/issueflow.yml` (default DEFAULT_REPO_CONFIG). */
  repoConfig?: string;
  /** Extra files on `main`, in the stand-in and in the bare repo alike. */
  files?: Record<string, string>;
  /** Whether the tiny project's `npm test` passes on `main` (default false: math.js subtracts). */
  passing?: boolean;
  /** People and their permission on the repo (default alice and bob: `write`; mallory: none). */
  collaborators?: Record<string, string>;
  /** Deliver `issue_comment.created` / `issues.labeled` for issueflow's own comments and labels, as GitHub does. */
  echoOwnWrites?: boolean;
  /** Deliver every webhook `times` times with the same delivery id (default once). */
  deliveries?: DeliveryOptions;
  /** Extra environment for both processes (overrides the harness's). */
  env?: Record<string, string>;
  /** `own-sqlite`: a dev server of the suite's own on a SQLite file, for `e2e.restartTemporal()` (default: a throwaway one). */
  temporal?: 'shared' | 'own-sqlite';
  /** `own`: an embedded PostgreSQL of the suite's own, for `e2e.restartPostgres()` (default: a database in the run's cluster). */
  postgres?: 'shared' | 'own';
  /** GitHub's "Automatically delete head branches": a merge deletes the PR's branch in the bare repo (default false, as on GitHub). */
  deleteBranchOnMerge?: boolean;
  /** `issueflow worker` processes, each with a data dir of its own as if on a host of its own (default 1). */
  hosts?: number;
  /** Faults of the stand-in: `faultRate` of all requests fail with one of `faultKinds`. */
  standin?: Pick<StandinOptions, 'faultRate' | 'faultKinds' | 'faultResetSeconds'>;
}

/** A merge in the bare repo: `base` fast-forwards to `head` when it can (else the stand-in's record of the merge is what issueflow reads). */
function fastForward(bareDir: string, base: string, head: string): void {
  try {
    git(['merge-base', '--is-ancestor', base, head], bareDir);
    git(['update-ref', `refs/heads/${base}`, `refs/heads/${head}`], bareDir);
  } catch {
    // not a fast-forward
  }
}

/**
 * Starts everything an end-to-end suite needs: a Temporal dev server, a fresh PostgreSQL database, the
 * GitHub stand-in and a real bare repo holding the same project, and the compiled `issueflow api` and
 * `issueflow worker` as separate processes configured as a user would. `stop()` tears it all down.
 */
export async function startE2E(options: E2EOptions = {}): Promise<E2E> {
  const fullName = options.repo ?? 'acme/widgets';
  const [owner, name] = fullName.split('/');
  const files = { ...nodeProjectFiles(options.passing ?? false), '.github/issueflow.yml': options.repoConfig ?? DEFAULT_REPO_CONFIG, ...options.files };
  const secrets = {
    githubToken: `e2e-gh-${randomBytes(12).toString('hex')}`,
    webhookSecret: `e2e-whsec-${randomBytes(12).toString('hex')}`,
    apiToken: `e2e-api-${randomBytes(12).toString('hex')}`,
  };
  const cleanups: Array<() => unknown> = [];
  const undo = async () => {
    for (const c of cleanups.reverse()) await Promise.resolve(c()).catch(() => undefined);
  };
  try {
    buildIfStale();
    const bare: TestRepo = createBareRepo({ owner, name, passing: options.passing ?? false, files });
    cleanups.push(() => bare.cleanup());
    const standin = new GithubStandin({
      ...options.standin,
      tokens: { [secrets.githubToken]: BOT_LOGIN },
      branchExists: (repo, branch) => repo.toLowerCase() === fullName.toLowerCase() && branchSha(bare.bareDir, branch) !== undefined,
      hasCommitsBetween: (_repo, base, head) => git(['rev-list', '--count', `${base}..${head}`], bare.bareDir) !== '0',
      mergeBranches: (_repo, base, head) => fastForward(bare.bareDir, base, head),
      deleteBranch: (_repo, branch) => git(['update-ref', '-d', `refs/heads/${branch}`], bare.bareDir),
      mergeability: (_repo, base, head) => mergeState(bare.bareDir, base, head),
    });
    const standinUrl = await standin.start();
    cleanups.push(() => standin.stop());
    standin.createRepo(fullName, { files, deleteBranchOnMerge: options.deleteBranchOnMerge ?? false });
    for (const [login, permission] of Object.entries(options.collaborators ?? { alice: 'write', bob: 'write' })) standin.setPermission(fullName, login, permission);

    const [ownTemporal, ownPostgres] = await Promise.all([
      options.temporal === 'own-sqlite' ? OwnTemporal.start() : undefined,
      options.postgres === 'own' ? OwnPostgres.start() : undefined,
    ]);
    // The own server's facade: the address, our own reconnecting client, and teardown.
    const ownEnv = ownTemporal && ({ address: ownTemporal.address, client: ownTemporal.client, teardown: () => ownTemporal.teardown() } as unknown as TestWorkflowEnvironment);
    const [temporal, db]: [TestWorkflowEnvironment, TestDatabase] = await Promise.all([ownEnv ?? createLocalEnv(), ownPostgres ?? createTestDatabase()]);
    cleanups.push(() => temporal.teardown(), () => db.drop());
    const dataDir = mkdtempSync(join(tmpdir(), 'issueflow-e2e-'));
    chmodSync(dataDir, 0o755);
    cleanups.push(() => rmSync(dataDir, { recursive: true, force: true }));
    const port = await freePort();
    const taskQueue = `e2e-${randomBytes(4).toString('hex')}`;
    const env: Record<string, string> = {
      TEMPORAL_ADDRESS: temporal.address,
      TEMPORAL_TASK_QUEUE: taskQueue,
      DATABASE_URL: db.url,
      PORT: String(port),
      HOST: '127.0.0.1',
      GITHUB_API_URL: standinUrl,
      GITHUB_TOKEN: secrets.githubToken,
      GITHUB_WEBHOOK_SECRET: secrets.webhookSecret,
      GIT_CLONE_URL: bare.cloneUrlTemplate,
      // The default write budget (80 a minute, 500 an hour, per token): what a user gets. Its bursts keep the suites short.
      AGENT: 'custom',
      AGENT_COMMAND: scriptedAgentCommand(),
      ISSUEFLOW_API_TOKEN: secrets.apiToken,
      ISSUEFLOW_DATA_DIR: dataDir,
      SHUTDOWN_GRACE_SECONDS: '3',
      LOG_LEVEL: 'warn',
      ...options.env,
    };
    const apiUrl = `http://127.0.0.1:${port}`;
    const api = new IssueflowProcess('api', env);
    cleanups.push(() => api.kill('SIGKILL'));
    // The first worker shares the API's data dir; every other one has its own, as on another machine.
    const workers = Array.from({ length: options.hosts ?? 1 }, (_, i) => {
      let own = dataDir;
      if (i > 0) {
        own = mkdtempSync(join(tmpdir(), `issueflow-e2e-host${i}-`));
        chmodSync(own, 0o755);
        cleanups.push(() => rmSync(own, { recursive: true, force: true }));
      }
      const worker = new IssueflowProcess('worker', { ...env, ISSUEFLOW_DATA_DIR: own });
      cleanups.push(() => worker.kill('SIGKILL'));
      return worker;
    });
    const queues = { main: taskQueue, writes: `${taskQueue}-github-writes`, agents: `${taskQueue}-agents` };
    await Promise.all([waitForApi(api, apiUrl), ...workers.map((w) => waitForWorker(w, temporal.client, queues))]);

    const webhooks = new WebhookSender(standin, () => apiUrl, secrets.webhookSecret, options.deliveries);
    return new E2E({
      repo: fullName,
      standin,
      bare,
      db,
      temporal,
      api,
      workers,
      apiUrl,
      env,
      secrets: { ...secrets, databaseUrl: db.url },
      queues,
      webhooks,
      echoOwnWrites: options.echoOwnWrites ?? false,
      own: { temporal: ownTemporal, postgres: ownPostgres },
      cleanup: undo,
    });
  } catch (error) {
    await undo();
    throw error;
  }
}
