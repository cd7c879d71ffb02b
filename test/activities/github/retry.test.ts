import { randomUUID } from 'node:crypto';
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import { DefaultLogger, Runtime, Worker } from '@temporalio/worker';
import { WorkflowFailedError } from '@temporalio/client';
import { createGithubWriteActivities, createOctokitFactory } from '../../../src/activities/github';
import { FAILURE_TYPES } from '../../../src/activities/types';
import { GithubStandin } from '../../support/github-standin';
import { createLocalEnv } from '../../support/temporal';
import { upsertCommentWorkflow } from './fixtures/github-workflows';

jest.setTimeout(120_000);
// Worker state changes and the expected activity failures would drown the test report.
Runtime.install({ logger: new DefaultLogger('ERROR') });

const REPO = 'octo/app';

describe('GitHub write activities retried by a real Temporal server', () => {
  let env: TestWorkflowEnvironment;
  let standin: GithubStandin;
  let worker: Worker;
  let taskQueue: string;
  let running: Promise<void>;

  beforeAll(async () => {
    env = await createLocalEnv();
    standin = new GithubStandin();
    const apiUrl = await standin.start();
    standin.createRepo(REPO, { branches: [] });
    const octokits = createOctokitFactory({ config: { github: { apiUrl, token: 'standin-token' } }, requestTimeoutMs: 10_000 });
    taskQueue = `github-retry-${randomUUID()}`;
    worker = await Worker.create({
      connection: env.nativeConnection,
      taskQueue,
      workflowsPath: require.resolve('./fixtures/github-workflows'),
      activities: createGithubWriteActivities({ octokits }),
    });
    running = worker.run();
  });
  afterAll(async () => {
    worker?.shutdown();
    await running;
    await standin?.stop();
    await env?.teardown();
  });
  afterEach(() => standin.assertNoViolations());

  const run = (issueNumber: number) =>
    env.client.workflow.execute(upsertCommentWorkflow, {
      taskQueue,
      workflowId: `github-retry-${randomUUID()}`,
      args: [{ ref: { owner: 'octo', repo: 'app', issueNumber }, workflowId: 'wf', key: 'status', body: 'hello' }],
    });
  const posts = (from: number) => standin.requests.slice(from).filter((r) => r.operationId === 'issues/create-comment');

  test('a 403 with x-ratelimit-remaining: 0 is retried no sooner than x-ratelimit-reset', async () => {
    const issue = standin.openIssue(REPO, { title: 'rate limited' });
    const from = standin.requests.length;
    standin.failNext({ method: 'POST', path: /\/comments$/, kind: 'primary-rate-limit', resetInSeconds: 3 });
    await run(issue.number);
    const [limited, retried] = posts(from);
    expect(limited.status).toBe(403);
    expect(retried.status).toBe(201);
    expect(retried.at).toBeGreaterThanOrEqual(limited.rateLimitReset! * 1000);
    expect(retried.at - limited.at).toBeGreaterThanOrEqual(2000);
    expect(standin.listComments(REPO, issue.number)).toHaveLength(1);
  });

  test('a 500 then a 200 succeeds on the retry, leaving one comment', async () => {
    const issue = standin.openIssue(REPO, { title: 'flaky' });
    const from = standin.requests.length;
    standin.failNext({ method: 'POST', path: /\/comments$/, kind: '500' });
    const result = await run(issue.number);
    expect(posts(from).map((r) => r.status)).toEqual([500, 201]);
    expect(posts(from)[1].at - posts(from)[0].at).toBeLessThan(2000);
    expect(result.commentId).toBe(standin.listComments(REPO, issue.number)[0].id);
  });

  test('a non-retryable failure is not retried', async () => {
    const from = standin.requests.length;
    const err = await run(999).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(WorkflowFailedError);
    const activityFailure = (err as WorkflowFailedError).cause?.cause as { type?: string; nonRetryable?: boolean };
    expect(activityFailure).toMatchObject({ type: FAILURE_TYPES.githubNotFound, nonRetryable: true });
    expect(standin.requests.slice(from).filter((r) => r.operationId === 'issues/list-comments')).toHaveLength(1);
  });
});
