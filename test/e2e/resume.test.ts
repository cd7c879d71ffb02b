import { DEFAULT_REPO_CONFIG, issueForm, type E2E, useE2E } from './harness';

jest.setTimeout(180_000);

/** What the scripted agent's `record-session` wrote, one line per run (committed with each round). */
type Run = { session: string; resumed: string | null; mode: string; run: number };

/** A fix loop on real parts: the scripted agent fixes the bug only in the third run of a session chain, so only continued sessions get there. */
describe('e2e: resumed sessions', () => {
  let e2e: E2E;
  const outcomes = useE2E('resumed sessions', { echoOwnWrites: true }, (started) => {
    e2e = started;
  });

  test('tests fail twice, then pass: every fix round continues the session of the round before, and the PR follows', async () => {
    e2e.setRepoConfig(DEFAULT_REPO_CONFIG.replace('maxFixAttempts: 1', 'maxFixAttempts: 3'));
    const issue = await e2e.openIssue({
      title: 'add() subtracts instead of adding',
      body: issueForm({
        taskType: 'bug',
        description: 'The add function in math.js returns a - b, so `npm test` fails. It must return the sum.',
        acceptanceCriteria: ['add(2, 3) returns 5', '`npm test` passes'],
        relevantFiles: ['math.js'],
        context: ['agent: record-session sessions.jsonl', 'agent: on-run 3 replace math.js a - b => a + b'].join('\n'),
      }),
    });
    const pr = await e2e.waitForPullRequest(issue, 120_000);
    await e2e.waitForState(issue, 'completed');
    const branch = `issueflow/issue-${issue.number}`;
    expect(pr).toMatchObject({ head: branch });
    expect(e2e.branchFiles(branch)['math.js']).toBe('exports.add = (a, b) => a + b;');
    const all = e2e.branchFiles(branch)['sessions.jsonl'].split('\n').filter(Boolean).map((l) => JSON.parse(l) as Run);
    // The plan run (whose line the first round's commit took along) is a session of its own that no round continues.
    expect(all.map((r) => [r.mode, r.run])).toEqual([['plan', 1], ['implement', 1], ['implement', 2], ['implement', 3]]);
    const runs = all.slice(1);
    expect(runs.map((r) => r.resumed)).toEqual([null, runs[0].session, runs[1].session]);
    const status = await e2e.waitForState(issue, 'completed');
    expect(status.steps.filter((s) => s.step === 'implementing').map((s) => s.note)).toEqual([expect.stringMatching(/^round 1, /), expect.stringMatching(/^round 2 \(session continued\), /), expect.stringMatching(/^round 3 \(session continued\), /)]);
    outcomes.push(`PR after ${runs.length} rounds, each continuing the one before`);
  });
});
