import { git, mergeState, pushCommit, readFileOnBranch } from '../support/git-repos';
import { DEFAULT_REPO_CONFIG, issueForm, type E2E, type E2EIssue, useE2E } from './harness';

jest.setTimeout(180_000);

/**
 * The base moves under issueflow's open PR: GitHub then says the PR is `dirty` (or `behind`) and issueflow,
 * checking every few seconds here, merges the base into its branch; conflicts go to the agent first.
 */
describe('e2e: the base branch moves under the PR', () => {
  let e2e: E2E;
  const outcomes = useE2E('conflicts', { passing: true, files: { 'notes.txt': 'first\nsecond\n' }, repoConfig: `${DEFAULT_REPO_CONFIG}  mergeCheckMinutes: 0.03\n` }, (started) => {
    e2e = started;
  });

  /** Opens an issue with the agent's script and waits for its PR to be listening. */
  async function openAndComplete(name: string, script: string[]): Promise<{ issue: E2EIssue; branch: string }> {
    const issue = await e2e.openIssue({ title: `Change ${name}`, body: issueForm({ description: `Change ${name} as the context below says, and keep the tests passing.`, acceptanceCriteria: ['npm test passes'], context: script.join('\n') }) });
    await e2e.waitForPullRequest(issue, 90_000);
    await e2e.waitForState(issue, 'completed');
    await e2e.waitForComment(issue, 'summary');
    return { issue, branch: `issueflow/issue-${issue.number}` };
  }

  const contains = (branch: string, commit: string) => {
    try {
      git(['merge-base', '--is-ancestor', commit, branch], e2e.bare.bareDir);
      return true;
    } catch {
      return false;
    }
  };
  const parents = (branch: string) => git(['rev-list', '--parents', '-n', '1', branch], e2e.bare.bareDir).split(' ').slice(1);

  /** `GET /pulls/{n}` as GitHub answers it (validated by the stand-in), read until GitHub has computed it. */
  async function mergeableState(pr: number): Promise<unknown> {
    return e2e.waitFor(`mergeable state of #${pr}`, async () => {
      const res = await fetch(`${e2e.env.GITHUB_API_URL}/repos/${e2e.repo}/pulls/${pr}`, { headers: { authorization: `token ${e2e.secrets.githubToken}` } });
      const body = (await res.json()) as { mergeable: boolean | null; mergeable_state: string };
      return body.mergeable !== null && { mergeable: body.mergeable, state: body.mergeable_state };
    });
  }

  test('a conflicting change on main: the agent resolves the markers, the merge keeps both changes and the PR merges again', async () => {
    const { issue, branch } = await openAndComplete('notes', ['agent: write notes.txt first from the issue\\nsecond', 'agent: resolve-conflicts take-both']);
    const head = git(['rev-parse', branch], e2e.bare.bareDir);
    const base = pushCommit(e2e.bare, 'main', { 'notes.txt': 'first from main\nsecond\n' }, 'Main changes the same line');
    expect(mergeState(e2e.bare.bareDir, 'main', branch).state).toBe('dirty');

    await e2e.waitFor('main merged into the branch', () => contains(branch, base), 90_000);
    expect(parents(branch)).toEqual([head, base]);
    expect(readFileOnBranch(e2e.bare.bareDir, branch, 'notes.txt')).toBe('first from the issue\nfirst from main\nsecond');
    expect(await mergeableState(e2e.pullRequestOf(issue)!.number)).toEqual({ mergeable: true, state: 'clean' });
    const status = await e2e.waitForState(issue, 'completed');
    expect(status.steps.filter((s) => s.step === 'implementing')).toHaveLength(2);
    expect(status.steps.filter((s) => s.step === 'testing')).toHaveLength(2);
    const logs = await e2e.runLogs(issue.workflowId);
    expect(logs.some((l) => l.step === 'implement-2' && l.chunk.includes('Resolved the conflicts in notes.txt'))).toBe(true);

    await e2e.waitForComment(issue, 'summary', 60_000, (c) => c.key === 'summary-2');
    await e2e.mergePullRequest(e2e.pullRequestOf(issue)!);
    expect(await e2e.waitForEnd(issue)).toMatchObject({ state: 'completed', outcome: 'merged' });
    expect(readFileOnBranch(e2e.bare.bareDir, 'main', 'notes.txt')).toBe('first from the issue\nfirst from main\nsecond');
    outcomes.push('conflict resolved by the agent, both changes kept');
  });

  test('a change on main that merges cleanly is merged into the branch without an agent round', async () => {
    const { issue, branch } = await openAndComplete('other', ['agent: write docs/other.md from the issue']);
    const head = git(['rev-parse', branch], e2e.bare.bareDir);
    const base = pushCommit(e2e.bare, 'main', { 'docs/main.md': 'from main\n' }, 'Main moves elsewhere');
    expect(mergeState(e2e.bare.bareDir, 'main', branch).state).toBe('behind');

    await e2e.waitFor('main merged into the branch', () => contains(branch, base), 90_000);
    expect(parents(branch)).toEqual([head, base]);
    expect(git(['log', '-1', '--format=%an', branch], e2e.bare.bareDir)).toBe('issueflow');
    expect(readFileOnBranch(e2e.bare.bareDir, branch, 'docs/other.md')).toBe('from the issue');
    expect(await mergeableState(e2e.pullRequestOf(issue)!.number)).toEqual({ mergeable: true, state: 'clean' });
    const status = await e2e.waitForState(issue, 'completed');
    expect(status.steps.filter((s) => s.step === 'implementing')).toHaveLength(1);
    expect((await e2e.runLogs(issue.workflowId)).some((l) => l.step === 'implement-2')).toBe(false);

    await e2e.mergePullRequest(e2e.pullRequestOf(issue)!);
    expect(await e2e.waitForEnd(issue)).toMatchObject({ state: 'completed', outcome: 'merged' });
    outcomes.push('clean base move merged without the agent');
  });
});
