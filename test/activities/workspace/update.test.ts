import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pino from 'pino';
import { loadConfig } from '../../../src/config';
import { createWorkspaceActivities, worktreePath } from '../../../src/activities/workspace';
import { branchSha, createBareRepo, git, pushCommit, readFileOnBranch, type TestRepo } from '../../support/git-repos';

const ref = { owner: 'acme', repo: 'tiny', issueNumber: 7 };
const branch = 'issueflow/issue-7';

/** updateBranch on a real bare repo: the base moves after issueflow pushed its branch. */
describe('updateBranch: merging the base into the issue branch', () => {
  let repo: TestRepo;
  let dataDir: string;
  let ws: ReturnType<typeof createWorkspaceActivities>;
  let wt: string;
  const parents = (sha: string) => git(['rev-list', '--parents', '-n', '1', sha], repo.bareDir).split(' ').slice(1);

  beforeEach(async () => {
    repo = createBareRepo({ owner: 'acme', name: 'tiny', files: { 'notes.txt': 'first\nsecond\n' } });
    dataDir = mkdtempSync(join(tmpdir(), 'issueflow-data-'));
    const config = loadConfig({ ISSUEFLOW_DATA_DIR: dataDir, GIT_CLONE_URL: repo.cloneUrlTemplate, GITHUB_TOKEN: 'token' });
    ws = createWorkspaceActivities({ config, pool: undefined as never, logger: pino({ level: 'silent' }) });
    await ws.prepareWorkspace({ ref, branch });
    wt = worktreePath(dataDir, ref);
    writeFileSync(join(wt, 'notes.txt'), 'first from the issue\nsecond\n');
    await ws.commitAndPush({ ref, branch, message: 'Issue change' });
  });
  afterEach(() => {
    repo.cleanup();
    rmSync(dataDir, { recursive: true, force: true });
  });

  test('nothing to do while the branch has the base', async () => {
    const head = branchSha(repo.bareDir, branch)!;
    expect(await ws.updateBranch({ ref, branch })).toEqual({ outcome: 'up-to-date', baseBranch: 'main', baseSha: branchSha(repo.bareDir, 'main'), sha: head });
    expect(branchSha(repo.bareDir, branch)).toBe(head);
  });

  test('a clean merge is committed with two parents, written to the worktree and pushed', async () => {
    const head = branchSha(repo.bareDir, branch)!;
    const base = pushCommit(repo, 'main', { 'other.txt': 'from main\n' });
    const result = await ws.updateBranch({ ref, branch });
    expect(result).toMatchObject({ outcome: 'merged', baseBranch: 'main', baseSha: base });
    expect(branchSha(repo.bareDir, branch)).toBe(result.sha);
    expect(parents(result.sha)).toEqual([head, base]);
    expect(git(['log', '-1', '--format=%an%n%s', result.sha], repo.bareDir)).toBe(`issueflow\nMerge main into ${branch}`);
    expect(readFileOnBranch(repo.bareDir, branch, 'notes.txt')).toBe('first from the issue\nsecond');
    expect(readFileSync(join(wt, 'other.txt'), 'utf8')).toBe('from main\n');
    // The worktree is the merge: nothing more to commit.
    expect(await ws.commitAndPush({ ref, branch, message: 'nothing' })).toMatchObject({ committed: false, sha: result.sha });
  });

  test('a conflict leaves markers in the worktree; the resolved merge is committed with both parents', async () => {
    const head = branchSha(repo.bareDir, branch)!;
    const base = pushCommit(repo, 'main', { 'notes.txt': 'first from main\nsecond\n', 'other.txt': 'from main\n' });
    const result = await ws.updateBranch({ ref, branch });
    expect(result).toEqual({ outcome: 'conflicted', baseBranch: 'main', baseSha: base, sha: head, files: ['notes.txt'] });
    expect(branchSha(repo.bareDir, branch)).toBe(head);
    const text = readFileSync(join(wt, 'notes.txt'), 'utf8');
    expect(text).toContain(`<<<<<<< ${branch}`);
    expect(text).toContain('>>>>>>> origin/main');
    expect(readFileSync(join(wt, 'other.txt'), 'utf8')).toBe('from main\n');

    const merge = { parent: base, files: result.outcome === 'conflicted' ? result.files : [] };
    await expect(ws.commitAndPush({ ref, branch, message: 'Resolve', merge })).rejects.toMatchObject({ type: 'ConflictUnresolved' });
    expect(branchSha(repo.bareDir, branch)).toBe(head);

    writeFileSync(join(wt, 'notes.txt'), 'first from the issue\nfirst from main\nsecond\n');
    const resolved = await ws.commitAndPush({ ref, branch, message: 'Resolve', merge });
    expect(resolved).toMatchObject({ committed: true, pushed: true, filesChanged: ['notes.txt'] });
    expect(parents(resolved.sha)).toEqual([head, base]);
    expect(readFileOnBranch(repo.bareDir, branch, 'notes.txt')).toBe('first from the issue\nfirst from main\nsecond');
    expect(readFileOnBranch(repo.bareDir, branch, 'other.txt')).toBe('from main');
    // Merged into the base without a conflict now.
    expect(git(['merge-base', '--is-ancestor', 'main', branch], repo.bareDir)).toBe('');
    expect((await ws.updateBranch({ ref, branch })).outcome).toBe('up-to-date');
  });

  test("the agent's own .git is never read: its HEAD and config stay as they were", async () => {
    const agentHead = git(['rev-parse', 'HEAD'], wt);
    git(['config', 'remote.origin.url', 'file:///nowhere.git'], wt);
    pushCommit(repo, 'main', { 'other.txt': 'from main\n' });
    expect((await ws.updateBranch({ ref, branch })).outcome).toBe('merged');
    expect(git(['rev-parse', 'HEAD'], wt)).toBe(agentHead);
  });
});
