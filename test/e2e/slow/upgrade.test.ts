import { issueForm, startE2E, type E2E, type E2EIssue } from '../harness';

jest.setTimeout(600_000);

const ISSUES = 3;

/**
 * An upgrade as a user makes it, with Worker Versioning on: issues started on release A wait for their
 * authors' answers, the worker is stopped and started on release B (which makes itself current), the
 * answers arrive, and every issue ends with its PR merged; the histories show A before the answer and
 * B after it. (A changed workflow moving over is the workflow-level test's part:
 * test/workflows/issue-workflow.versioning.test.ts.)
 */
describe('e2e slow: upgrade', () => {
  let e2e: E2E;
  let outcome = 'failed';
  const startedAt = Date.now();

  beforeAll(async () => {
    e2e = await startE2E({ env: { ISSUEFLOW_BUILD_ID: 'release-a' } });
  });

  afterEach(() => {
    e2e.standin.assertNoViolations();
  });

  afterAll(async () => {
    e2e?.summary('upgrade', outcome, startedAt);
    await e2e?.stop();
  });

  /** The build id of each completed workflow task before and after the answer (the first issue comment signal). */
  async function builds(issue: E2EIssue): Promise<{ before: Set<string>; after: Set<string> }> {
    const events = (await e2e.client.workflow.getHandle(issue.workflowId).fetchHistory()).events ?? [];
    const answeredAt = events.findIndex((e) => e.workflowExecutionSignaledEventAttributes?.signalName === 'feedback');
    const before = new Set<string>();
    const after = new Set<string>();
    events.forEach((e, i) => {
      const buildId = e.workflowTaskCompletedEventAttributes ? (e.workflowTaskCompletedEventAttributes.deploymentVersion?.buildId ?? '(none)') : undefined;
      if (buildId) (i < answeredAt ? before : after).add(buildId);
    });
    return { before, after };
  }

  test(`${ISSUES} issues waiting for answers on release A complete on release B`, async () => {
    const body = issueForm({ description: 'The add function in math.js subtracts; it must return the sum.', acceptanceCriteria: [], relevantFiles: ['math.js'], context: 'agent: replace math.js a - b => a + b' });
    const issues: E2EIssue[] = [];
    for (let i = 1; i <= ISSUES; i++) issues.push(await e2e.openIssue({ title: `Fix add (${i})`, body }));
    for (const issue of issues) await e2e.waitForState(issue, 'awaiting-feedback', 120_000);

    const current = async () => (await e2e.client.workflowService.describeWorkerDeployment({ namespace: 'default', deploymentName: e2e.env.TEMPORAL_TASK_QUEUE })).workerDeploymentInfo?.routingConfig?.currentDeploymentVersion?.buildId;
    expect(await current()).toBe('release-a');
    // The new worker polls first, then makes its build current (no command); the answers may come meanwhile.
    await e2e.restartWorker({ ISSUEFLOW_BUILD_ID: 'release-b' });

    for (const issue of issues) await e2e.comment(issue, 'alice', '### Acceptance criteria\n\n- `npm test` passes');
    await e2e.waitFor('release-b made current by its worker', async () => (await current()) === 'release-b');
    // Every PR first, then the merges: a branch cut after the first merge would find nothing to fix.
    const pulls = [];
    for (const issue of issues) pulls.push(await e2e.waitForPullRequest(issue, 180_000));
    for (const issue of issues) expect(e2e.branchFiles(`issueflow/issue-${issue.number}`)['math.js']).toBe('exports.add = (a, b) => a + b;');
    for (const pr of pulls) await e2e.mergePullRequest(pr);
    for (const issue of issues) expect(await e2e.waitForEnd(issue, 120_000)).toMatchObject({ state: 'completed', outcome: 'merged' });

    for (const issue of issues) {
      const { before, after } = await builds(issue);
      expect([issue.number, [...before], [...after]]).toEqual([issue.number, ['release-a'], ['release-b']]);
      expect(e2e.pullRequests().filter((pr) => pr.head === `issueflow/issue-${issue.number}`)).toHaveLength(1);
    }
    outcome = 'every issue completed on release B';
  });
});
