import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pino from 'pino';
import { loadConfig } from '../../../src/config';
import { createWorkspaceActivities, worktreePath } from '../../../src/activities/workspace';
import { candidateBranch, issueBranch } from '../../../src/domain/ids';
import { branchSha, createBareRepo, git, pushCommit, readFileOnBranch, type TestRepo } from '../../support/git-repos';

const ref = { owner: 'acme', repo: 'tiny', issueNumber: 42 };
const branch = issueBranch(42);

describe('candidates on a real repository', () => {
  let repo: TestRepo;
  let dataDir: string;
  let ws: ReturnType<typeof createWorkspaceActivities>;

  beforeEach(() => {
    repo = createBareRepo({ owner: 'acme', name: 'tiny' });
    dataDir = mkdtempSync(join(tmpdir(), 'issueflow-data-'));
    const config = loadConfig({ ISSUEFLOW_DATA_DIR: dataDir, GIT_CLONE_URL: repo.cloneUrlTemplate, GITHUB_TOKEN: 'ghs_dummy' });
    ws = createWorkspaceActivities({ config, pool: undefined as never, logger: pino({ level: 'silent' }) });
  });
  afterEach(() => {
    repo.cleanup();
    rmSync(dataDir, { recursive: true, force: true });
  });

  /** A candidate's round: its own worktree on its own branch, `lines` lines written, committed and pushed. */
  async function candidate(i: number, lines: number) {
    const cref = { ...ref, candidate: i };
    const cbranch = candidateBranch(42, i);
    const { headSha } = await ws.prepareWorkspace({ ref: cref, branch: cbranch, startFrom: branch });
    writeFileSync(join(worktreePath(dataDir, cref), `c${i}.txt`), Array.from({ length: lines }, (_, n) => `line ${n}`).join('\n') + '\n');
    return ws.commitAndPush({ ref: cref, branch: cbranch, message: `Candidate ${i}`, diffFrom: headSha });
  }

  test('each candidate has its own worktree and branch, and its commit counts the lines changed since it started', async () => {
    await ws.prepareWorkspace({ ref, branch });
    const one = await candidate(1, 40);
    const two = await candidate(2, 12);
    expect(worktreePath(dataDir, { ...ref, candidate: 2 })).toMatch(/issue-42-candidate-2$/);
    expect(existsSync(join(worktreePath(dataDir, { ...ref, candidate: 1 }), 'c2.txt'))).toBe(false);
    expect(existsSync(join(worktreePath(dataDir, ref), 'c1.txt'))).toBe(false);
    expect([one.linesChanged, two.linesChanged]).toEqual([40, 12]);
    expect(branchSha(repo.bareDir, candidateBranch(42, 1))).toBe(one.sha);
    expect(branchSha(repo.bareDir, candidateBranch(42, 2))).toBe(two.sha);
    expect(() => worktreePath(dataDir, { ...ref, candidate: 0 })).toThrow(/candidate/);
  });

  test('promotion puts the winner on the issue branch, rebuilds the issue worktree from it, deletes every candidate branch; again, it does nothing more', async () => {
    await ws.prepareWorkspace({ ref, branch });
    await candidate(1, 40);
    const two = await candidate(2, 12);
    const drop = [candidateBranch(42, 1), candidateBranch(42, 2)];
    expect(await ws.promoteCandidate({ ref, branch, sha: two.sha, drop })).toEqual({ pushed: true, deleted: drop });
    expect(branchSha(repo.bareDir, branch)).toBe(two.sha);
    expect(git(['for-each-ref', '--format=%(refname)', 'refs/heads'], repo.bareDir).split('\n').sort()).toEqual(['refs/heads/issueflow/issue-42', 'refs/heads/main']);
    // The issue's worktree (made at the base before) now holds the winner's files.
    await ws.prepareWorkspace({ ref, branch });
    expect(existsSync(join(worktreePath(dataDir, ref), 'c2.txt'))).toBe(true);
    expect(await ws.promoteCandidate({ ref, branch, sha: two.sha, drop })).toEqual({ pushed: false, deleted: [] });
    expect(readFileOnBranch(repo.bareDir, branch, 'c2.txt').split('\n')).toHaveLength(12);
  });

  test("candidates start from the issue's pushed branch (an earlier story's work), so the winner's commit follows it", async () => {
    const earlier = pushCommit(repo, branch, { 'earlier.txt': 'x' });
    const one = await candidate(1, 3);
    expect(one.linesChanged).toBe(3);
    expect(git(['rev-parse', `${one.sha}^`], repo.bareDir)).toBe(earlier);
    await expect(ws.promoteCandidate({ ref, branch, sha: one.sha, drop: [candidateBranch(42, 1)] })).resolves.toEqual({ pushed: true, deleted: [candidateBranch(42, 1)] });
    expect(branchSha(repo.bareDir, branch)).toBe(one.sha);
    expect(readFileOnBranch(repo.bareDir, branch, 'earlier.txt')).toBe('x');
  });

  test('deleteBranches deletes those the remote has, and again deletes nothing', async () => {
    await candidate(1, 1);
    const branches = [candidateBranch(42, 1), candidateBranch(42, 2)];
    expect(await ws.deleteBranches({ ref, branches })).toEqual({ deleted: [candidateBranch(42, 1)] });
    expect(branchSha(repo.bareDir, candidateBranch(42, 1))).toBeUndefined();
    expect(await ws.deleteBranches({ ref, branches })).toEqual({ deleted: [] });
  });

  test('deleteBranches on another worker, which never held this repository, deletes them too', async () => {
    await candidate(2, 1);
    const otherDir = mkdtempSync(join(tmpdir(), 'issueflow-other-host-'));
    try {
      const config = loadConfig({ ISSUEFLOW_DATA_DIR: otherDir, GIT_CLONE_URL: repo.cloneUrlTemplate, GITHUB_TOKEN: 'ghs_dummy' });
      const other = createWorkspaceActivities({ config, pool: undefined as never, logger: pino({ level: 'silent' }) });
      expect(await other.deleteBranches({ ref, branches: [candidateBranch(42, 2)] })).toEqual({ deleted: [candidateBranch(42, 2)] });
      expect(branchSha(repo.bareDir, candidateBranch(42, 2))).toBeUndefined();
    } finally {
      rmSync(otherDir, { recursive: true, force: true });
    }
  });
});
