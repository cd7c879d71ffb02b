import { issueForm, startE2E, type E2E } from '../harness';
import type { DeliveryRecord } from '../harness/deliveries';

/**
 * No lost webhook, on the real processes: with PostgreSQL stopped the `issueflow api` answers 503 (GitHub
 * does not redeliver by itself, so the answer must not be a 2xx); once it is back, the same delivery
 * redelivered starts the workflow, and the issue goes all the way to its PR.
 */
describe('e2e slow: a webhook while PostgreSQL is down', () => {
  let e2e: E2E;
  const startedAt = Date.now();
  let outcome = 'did not finish';

  beforeAll(async () => {
    e2e = await startE2E({ postgres: 'own' });
  });

  afterEach(() => {
    e2e.standin.assertNoViolations();
  });

  afterAll(async () => {
    e2e?.summary('lost webhook', outcome, startedAt);
    await e2e?.stop();
  });

  test('503 while it is down; the redelivery after it is back starts the workflow, which opens the PR', async () => {
    const created = e2e.standin.openIssue(e2e.repo, {
      author: 'alice',
      title: 'add() subtracts instead of adding',
      labels: ['agent'],
      body: issueForm({
        taskType: 'bug',
        description: 'The add function in math.js returns a - b, so `npm test` fails. It must return the sum.',
        acceptanceCriteria: ['add(2, 3) returns 5', '`npm test` passes'],
        relevantFiles: ['math.js', 'test.js'],
        context: 'agent: replace math.js a - b => a + b',
      }),
    });
    const issue = { repo: e2e.repo, number: created.number, workflowId: `${e2e.repo}#${created.number}` };

    const downAt = Date.now();
    let opened: DeliveryRecord | undefined;
    await e2e.restartPostgres(async () => {
      opened = await e2e.deliver('issues.opened', { repo: e2e.repo, number: issue.number, sender: 'alice' });
    });
    expect(opened!.responses).toEqual([{ status: 503, body: { error: { code: 'database_unavailable', message: expect.stringContaining('Redeliver') } } }]);
    expect(await e2e.job(issue)).toBeUndefined();

    // Back up: the same delivery (id and bytes) again, as GitHub's "Redeliver" sends it.
    const again = await e2e.webhooks.redeliver(opened!);
    expect(again).toEqual({ status: 202, body: expect.objectContaining({ outcome: 'started', workflowId: issue.workflowId }) });
    const redeliveredAfterMs = Date.now() - downAt;

    const pr = await e2e.waitForPullRequest(issue, 120_000);
    await e2e.waitForState(issue, 'completed');
    expect(e2e.branchFiles(pr.head)['math.js']).toBe('exports.add = (a, b) => a + b;');
    // A third POST of it acts no more.
    expect(await e2e.webhooks.redeliver(opened!)).toEqual({ status: 200, body: expect.objectContaining({ outcome: 'duplicate', duplicate: true }) });
    outcome = `503 while down, started by the redelivery ${Math.round(redeliveredAfterMs / 1000)} s after PostgreSQL stopped; PR #${pr.number}`;
  });
});
