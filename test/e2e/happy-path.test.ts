import { STATE_LABELS } from '../../src/domain/labels';
import { processesMentioning } from '../support/service-process';
import { issueForm, type E2E, useE2E } from './harness';

jest.setTimeout(180_000);

/** The whole story on real parts: a labeled issue becomes a tested PR, and the merge ends the workflow. */
describe('e2e: happy path', () => {
  let e2e: E2E;
  const outcomes = useE2E('happy path', { echoOwnWrites: true }, (started) => {
    e2e = started;
  });

  test('labeled issue -> queued -> ... -> PR with the fix in at most 12 GitHub writes, one status comment edited in place, labels in order; merge completes the workflow', async () => {
    // A repository set up with `issueflow init`: the state labels exist.
    e2e.standin.createLabels(e2e.repo, STATE_LABELS);
    const triggeredAt = Date.now();
    const issue = await e2e.openIssue({
      author: 'alice',
      title: 'add() subtracts instead of adding',
      body: issueForm({
        taskType: 'bug',
        description: 'The add function in math.js returns a - b, so `npm test` fails. It must return the sum.',
        acceptanceCriteria: ['add(2, 3) returns 5', '`npm test` passes'],
        relevantFiles: ['math.js', 'test.js'],
        context: 'agent: replace math.js a - b => a + b',
      }),
    });
    expect(await e2e.job(issue)).toBeDefined();
    // opened (with the label, by a collaborator) starts the workflow; the labeled event finds it running.
    expect(e2e.webhooks.log.filter((d) => !d.echo).map((d) => [d.event, d.responses[0].body.outcome])).toEqual([
      ['issues.opened', 'started'],
      ['issues.labeled', 'already-running'],
    ]);

    const pr = await e2e.waitForPullRequest(issue, 90_000);
    await e2e.waitForState(issue, 'completed');
    await e2e.waitForLabel(issue, 'agent:completed'); // the label is written beside the summary, after the state changed
    // A state label is added before the old one is removed (never none): wait for the removal too.
    await e2e.waitFor('the testing label removed', () => e2e.labels(issue).filter((l) => l.startsWith('agent:')).join() === 'agent:completed');
    await e2e.waitForComment(issue, 'summary');

    // The branch in the real repo holds exactly the fix, committed by issueflow.
    const branch = `issueflow/issue-${issue.number}`;
    expect(pr).toMatchObject({ head: branch, base: 'main', state: 'open', author: 'issueflow-bot' });
    expect(pr.body).toContain(`Fixes #${issue.number}`);
    expect(e2e.branchDiff(branch).files).toEqual(['math.js']);
    expect(e2e.branchFiles(branch)['math.js']).toBe('exports.add = (a, b) => a + b;');
    const commits = e2e.branchCommits(branch);
    expect(commits).toHaveLength(1);
    expect(commits[0].author).toBe('issueflow');

    // One comment of each kind; the status comment was edited in place, not re-posted.
    const byKind = e2e.commentsByKind(issue);
    expect(Object.keys(byKind).sort()).toEqual(['status', 'summary']);
    for (const list of Object.values(byKind)) expect(list).toHaveLength(1);
    // Edited in place at least for the completed state (fast successive states share one edit).
    expect(byKind.status[0].edits).toBeGreaterThanOrEqual(1);
    expect(byKind.status[0].author).toBe('issueflow-bot');
    expect(byKind.summary[0].body).toContain(`PR #${pr.number}`);
    expect(byKind.summary[0].body).toContain('`math.js`');

    // Labels walk the story in order, and exactly one agent:* label is left.
    // (parsing and validating are instant and shown only in the status comment, so they get no label of their own.)
    // A state that passed while a write was in flight gets no label of its own (the writes are coalesced).
    const story = ['agent:queued', 'agent:analyzing', 'agent:implementing', 'agent:testing', 'agent:completed'];
    const shown = e2e.stateLabels(issue);
    expect(shown[0]).toBe('agent:queued');
    expect(shown[shown.length - 1]).toBe('agent:completed');
    expect(shown.map((l) => story.indexOf(l))).toEqual([...shown.map((l) => story.indexOf(l))].sort((a, b) => a - b));

    // Issue 12, goal 3: the happy path up to the PR and its summary in at most 12 GitHub writes.
    const writesToPr = e2e.standin.requests.filter((r) => r.method !== 'GET');
    const firstWrite = writesToPr[0].at - triggeredAt;
    const toPr = e2e.standin.requests.find((r) => r.method === 'POST' && /\/pulls$/.test(r.path))!.at - triggeredAt;
    console.log(`happy path: first write ${firstWrite} ms after the trigger, PR after ${toPr} ms, ${writesToPr.length} writes: ${writesToPr.map((r) => `${r.method} ${r.path.replace(/^\/repos\/[^/]+\/[^/]+/, '')}`).join(', ')}`);
    expect(writesToPr.length).toBeLessThanOrEqual(12);
    expect(e2e.labels(issue).filter((l) => l.startsWith('agent:'))).toEqual(['agent:completed']);
    expect(e2e.labels(issue)).toContain('agent');

    // The jobs API shows what the worker did: listed by repo and state (search attributes), with the run's output.
    const auth = { authorization: `Bearer ${e2e.secrets.apiToken}` };
    const listed = await e2e.waitFor('the job listed as completed', async () => {
      const res = await fetch(`${e2e.apiUrl}/jobs?repo=${encodeURIComponent(e2e.repo)}&state=completed`, { headers: auth });
      const body = (await res.json()) as { jobs: Array<{ workflowId: string; issueNumber: number; state: string }> };
      return body.jobs.length > 0 && body.jobs;
    });
    expect(listed).toEqual([expect.objectContaining({ workflowId: issue.workflowId, issueNumber: issue.number, state: 'completed' })]);
    const logs = (await (await fetch(`${e2e.apiUrl}/jobs/${encodeURIComponent(issue.workflowId)}/logs?limit=1000`, { headers: auth })).json()) as { lines: Array<{ step: string; chunk: string }> };
    expect([...new Set(logs.lines.map((l) => l.step))]).toEqual(expect.arrayContaining(['analyze-1', 'implement-1', 'test-1']));
    expect(logs.lines.map((l) => l.chunk).join('')).toContain('all tests passed');
    expect((await fetch(`${e2e.apiUrl}/jobs`)).status).toBe(401);

    // The reviewer merges: the workflow ends completed, with nothing more written.
    const merged = await e2e.mergePullRequest(pr, 'acme');
    // GitHub closes the issue the PR fixes too, with a webhook of its own: it reaches a run that is ending and changes nothing.
    expect(merged.map((d) => [d.event, d.responses[0].status])).toEqual([['pull_request.closed', 202], ['issues.closed', 202]]);
    const result = await e2e.waitForEnd(issue);
    expect(result).toMatchObject({ state: 'completed', outcome: 'merged', pullRequest: { number: pr.number } });
    expect(await e2e.workflowRuns(issue)).toEqual([expect.objectContaining({ status: 'COMPLETED' })]);
    expect(Object.keys(e2e.commentsByKind(issue)).sort()).toEqual(['status', 'summary']);
    expect(e2e.labels(issue).filter((l) => l.startsWith('agent:'))).toEqual(['agent:completed']);
    await e2e.webhooks.settle();
    const echoes = e2e.webhooks.log.filter((d) => d.echo);
    expect(echoes.length).toBeGreaterThan(0);
    for (const d of echoes) expect(d.responses[0].body.outcome).toBe('ignored');
    const writes = e2e.standin.requests.filter((r) => r.method !== 'GET').length;
    outcomes.push(`PR #${pr.number} opened with the fix, merged; workflow completed; ${e2e.standin.requests.length} REST calls, ${writes} of them writes`);
  });

  test('nothing was logged at error level, and both processes stop cleanly on SIGTERM (exit 0)', async () => {
    const errors = (output: string) => output.split('\n').filter((l) => /^\{.*"level":(50|60)/.test(l));
    expect(errors(e2e.worker.output())).toEqual([]);
    expect(errors(e2e.api.output())).toEqual([]);
    expect(await e2e.api.kill('SIGTERM')).toBe(0);
    expect(await e2e.worker.kill('SIGTERM')).toBe(0);
    expect(processesMentioning(e2e.env.ISSUEFLOW_DATA_DIR)).toEqual([]);
    outcomes.push('clean stop');
  });
});
