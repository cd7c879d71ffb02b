import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { issueBranch } from '../../src/domain/ids';
import { git } from '../support/git-repos';
import { countActions } from '../workflows/support/harness';
import { DEFAULT_REPO_CONFIG, issueForm, type E2E, type E2EIssue, useE2E } from './harness';

jest.setTimeout(240_000);

/** Candidate 1 breaks the sum (its tests fail, also after its fix round); candidate 2 fixes it. */
const SCRIPT = ['agent: candidate 1 write math.js exports.add = (a, b) => a * b;', 'agent: candidate 2 replace math.js a - b => a + b'];

/** Two candidates on real parts: the tests choose, one PR, the candidates' branches gone; a worker crash mid-candidates changes none of it. */
describe('e2e: candidates', () => {
  let e2e: E2E;
  const dir = mkdtempSync(join(tmpdir(), 'issueflow-candidates-'));
  // The sandboxed agent writes its pause flag into `dir`, which the suite watches.
  const outcomes = useE2E('candidates', { repoConfig: `${DEFAULT_REPO_CONFIG}candidates: 2\n`, env: { SANDBOX_WRITABLE: dir } }, (started) => {
    e2e = started;
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  const open = (title: string, extra: string[] = []) =>
    e2e.openIssue({ title, body: issueForm({ taskType: 'bug', description: 'add() must return the sum.', acceptanceCriteria: ['`npm test` passes'], relevantFiles: ['math.js'], context: [...SCRIPT, ...extra].join('\n') }) });

  /** Exactly one PR, from the issue's branch, holding candidate 2's fix; no candidate branch is left in the repo. */
  async function expectOnePullRequestFromCandidate2(issue: E2EIssue) {
    const pr = await e2e.waitForPullRequest(issue, 120_000);
    await e2e.waitForState(issue, 'completed', 60_000);
    expect(e2e.pullRequests().filter((p) => p.head.startsWith(issueBranch(issue.number)))).toHaveLength(1);
    expect(pr.head).toBe(issueBranch(issue.number));
    expect(e2e.branchFiles(pr.head)['math.js']).toBe('exports.add = (a, b) => a + b;');
    const refs = git(['for-each-ref', '--format=%(refname:short)', 'refs/heads'], e2e.bare.bareDir).split('\n');
    expect(refs).toContain(issueBranch(issue.number));
    expect(refs.filter((r) => r.startsWith(`${issueBranch(issue.number)}-candidate-`))).toEqual([]);
    const status = await e2e.waitForComment(issue, 'status', 30_000, (c) => c.body.includes('winner: candidate 2'));
    expect(status.body).toContain('candidate 1: custom, failed');
    expect(status.body).toContain('tests passed, smallest diff');
    return pr;
  }

  test('a worker killed while the candidates run: the new worker finishes them, and the issue still ends with one PR', async () => {
    const flag = join(dir, 'candidate-2-paused');
    const issue = await open('add() subtracts: candidates and a crash', [`agent: candidate 2 pause implement 120000 ${flag}`]);
    await e2e.waitFor('candidate 2 paused in its agent run', () => existsSync(flag), 90_000);
    await e2e.crashWorker();
    await expectOnePullRequestFromCandidate2(issue);
    // Candidate 2's agent run was lost with the worker and ran again on the new one (the flag let it through).
    const history = await e2e.client.workflow.getHandle(`${issue.workflowId}/candidate-2`).fetchHistory();
    const agentRuns = (history.events ?? []).filter((e) => e.activityTaskScheduledEventAttributes?.activityType?.name === 'runAgent');
    expect(agentRuns).toHaveLength(2);
    expect((history.events ?? []).some((e) => e.activityTaskTimedOutEventAttributes)).toBe(true);
    outcomes.push('one PR from candidate 2 after a crash mid-candidates');
  });

  // Last: its merge puts the fix on main, which the other issue's candidates must not find there.
  test('two scripted candidates, one failing its tests: one PR, from the passing one; the loser branch is gone', async () => {
    const issue = await open('add() subtracts: candidates');
    const pr = await expectOnePullRequestFromCandidate2(issue);
    const steps = new Set((await e2e.runLogs(issue.workflowId)).map((l) => l.step));
    expect([...steps]).toEqual(expect.arrayContaining(['analyze-1', 'c1-implement-1', 'c1-test-1', 'c1-implement-2', 'c2-implement-1', 'c2-test-1', 'test-1']));
    await e2e.mergePullRequest(pr, 'acme');
    expect(await e2e.waitForEnd(issue)).toMatchObject({ state: 'completed', outcome: 'merged' });
    const parent = countActions(await e2e.client.workflow.getHandle(issue.workflowId).fetchHistory()).total;
    let children = 0;
    for (const i of [1, 2]) children += countActions(await e2e.client.workflow.getHandle(`${issue.workflowId}/candidate-${i}`).fetchHistory()).total;
    console.log(`[e2e] candidates: Temporal actions to merged with 2 candidates: ${parent} (issue) + ${children} (candidates) = ${parent + children}`);
    expect(parent + children).toBeLessThan(80);
    outcomes.push(`one PR from candidate 2 (no crash), ${parent + children} actions to merged`);
  });

});
