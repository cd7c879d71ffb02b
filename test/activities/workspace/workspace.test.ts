import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import pino from 'pino';
import { loadConfig } from '../../../src/config';
import { authHeader, gitEnv } from '../../../src/activities/workspace/git';
import { createWorkspaceActivities, mirrorPath, worktreePath } from '../../../src/activities/workspace';
import { createBareRepo, branchSha, git, pushCommit, readFileOnBranch, type TestRepo } from '../../support/git-repos';

const TOKEN = 'ghs_DummyInstallationToken0123456789';
const ref = { owner: 'acme', repo: 'tiny', issueNumber: 42 };
const branch = 'issueflow/issue-42';

/** Every file under dir, recursively, as text (the mirror's config, worktree metadata, logs). */
function allText(dir: string): string {
  let out = '';
  for (const name of readdirSync(dir)) {
    const p = join(dir, name);
    if (statSync(p).isDirectory()) out += allText(p);
    else if (statSync(p).size < 1_000_000) out += readFileSync(p, 'latin1');
  }
  return out;
}

describe('git workspace on a real repository', () => {
  let repo: TestRepo;
  let dataDir: string;
  let logs: string;
  let ws: ReturnType<typeof createWorkspaceActivities>;
  const make = (dir: string) => {
    const config = loadConfig({ ISSUEFLOW_DATA_DIR: dir, GIT_CLONE_URL: repo.cloneUrlTemplate, GITHUB_TOKEN: TOKEN });
    const stream = new Writable({ write: (c, _e, cb) => ((logs += String(c)), cb()) });
    return createWorkspaceActivities({ config, pool: undefined as never, logger: pino({ level: 'debug' }, stream) });
  };

  beforeEach(() => {
    repo = createBareRepo({ owner: 'acme', name: 'tiny' });
    dataDir = mkdtempSync(join(tmpdir(), 'issueflow-data-'));
    logs = '';
    ws = make(dataDir);
  });
  afterEach(() => {
    repo.cleanup();
    rmSync(dataDir, { recursive: true, force: true });
  });

  test('clones a mirror, works on the issue branch, commits as issueflow and pushes once', async () => {
    const prepared = await ws.prepareWorkspace({ ref, branch });
    expect(prepared).toEqual({ baseBranch: 'main', headSha: branchSha(repo.bareDir, 'main'), rebuilt: true });
    const wt = worktreePath(dataDir, ref);
    expect(git(['rev-parse', '--abbrev-ref', 'HEAD'], wt)).toBe(branch);
    expect(existsSync(join(mirrorPath(dataDir, ref), 'HEAD'))).toBe(true);

    writeFileSync(join(wt, 'feature.txt'), 'new feature\n');
    const first = await ws.commitAndPush({ ref, branch, message: 'Add the feature' });
    expect(first).toMatchObject({ committed: true, pushed: true, filesChanged: ['feature.txt'] });
    expect(branchSha(repo.bareDir, branch)).toBe(first.sha);
    expect(readFileOnBranch(repo.bareDir, branch, 'feature.txt')).toBe('new feature');
    expect(git(['log', '-1', '--format=%an <%ae>%n%B', branch], repo.bareDir)).toBe('issueflow <issueflow@users.noreply.github.com>\nAdd the feature\n\nIssue: acme/tiny#42');

    const again = await ws.commitAndPush({ ref, branch, message: 'Add the feature' });
    expect(again).toEqual({ committed: false, sha: first.sha, filesChanged: [], pushed: false });
  });

  test('pushes a commit that was made but not pushed, even with nothing new to commit', async () => {
    await ws.prepareWorkspace({ ref, branch });
    writeFileSync(join(worktreePath(dataDir, ref), 'a.txt'), 'a\n');
    const first = await ws.commitAndPush({ ref, branch, message: 'A' });
    // As if the push had been lost: the remote does not have the commit.
    git(['update-ref', '-d', `refs/heads/${branch}`], repo.bareDir);
    const result = await ws.commitAndPush({ ref, branch, message: 'unused' });
    expect(result).toMatchObject({ committed: false, pushed: true, sha: first.sha });
    expect(branchSha(repo.bareDir, branch)).toBe(first.sha);
  });

  test("the agent's own commits are only files to issueflow: one commit of issueflow's, with all of them", async () => {
    await ws.prepareWorkspace({ ref, branch });
    const wt = worktreePath(dataDir, ref);
    writeFileSync(join(wt, 'a.txt'), 'a\n');
    git(['add', 'a.txt'], wt);
    git(['-c', 'user.name=agent', '-c', 'user.email=agent@example.com', 'commit', '-q', '-m', 'The agent commits on its own'], wt);
    const result = await ws.commitAndPush({ ref, branch, message: 'Add a' });
    expect(result).toMatchObject({ committed: true, pushed: true, filesChanged: ['a.txt'] });
    expect(git(['log', '-1', '--format=%an', branch], repo.bareDir)).toBe('issueflow');
  });

  test('a deleted worktree, or a fresh worker, is rebuilt from the pushed branch (and says so: its agent session starts cold)', async () => {
    await ws.prepareWorkspace({ ref, branch });
    writeFileSync(join(worktreePath(dataDir, ref), 'step1.txt'), 'from step 1\n');
    const pushed = await ws.commitAndPush({ ref, branch, message: 'Step 1' });
    expect(await ws.prepareWorkspace({ ref, branch })).toMatchObject({ headSha: pushed.sha, rebuilt: false });

    rmSync(worktreePath(dataDir, ref), { recursive: true, force: true });
    expect(await ws.prepareWorkspace({ ref, branch })).toMatchObject({ headSha: pushed.sha, rebuilt: true });
    expect(readFileSync(join(worktreePath(dataDir, ref), 'step1.txt'), 'utf8')).toBe('from step 1\n');

    const otherDir = mkdtempSync(join(tmpdir(), 'issueflow-data-'));
    try {
      const other = make(otherDir);
      expect(await other.prepareWorkspace({ ref, branch })).toMatchObject({ headSha: pushed.sha, rebuilt: true });
      expect(existsSync(join(worktreePath(otherDir, ref), 'step1.txt'))).toBe(true);
    } finally {
      rmSync(otherDir, { recursive: true, force: true });
    }
  });

  test('a clean worktree that is behind the pushed branch is fast-forwarded', async () => {
    await ws.prepareWorkspace({ ref, branch });
    writeFileSync(join(worktreePath(dataDir, ref), 'mine.txt'), 'mine\n');
    await ws.commitAndPush({ ref, branch, message: 'Mine' });
    const theirs = pushCommit(repo, branch, { 'theirs.txt': 'from a reviewer\n' });
    expect((await ws.prepareWorkspace({ ref, branch })).headSha).toBe(theirs);
  });

  test('the token reaches git as an http header only: never in remotes, config files or logs', async () => {
    const env = gitEnv({ config: loadConfig({}), token: TOKEN, remoteUrl: 'https://github.com/acme/tiny.git', env: { PATH: process.env.PATH } });
    const headerFor = (url: string) => {
      try {
        return execFileSync('git', ['config', '--get-urlmatch', 'http.extraheader', url], { env, encoding: 'utf8' }).trim();
      } catch {
        return '';
      }
    };
    expect(headerFor('https://github.com/acme/tiny.git')).toBe(authHeader(TOKEN));
    expect(headerFor('https://evil.example/acme/tiny.git')).toBe('');
    expect(Object.values(gitEnv({ config: loadConfig({}), env: {} })).join('\n')).not.toContain('AUTHORIZATION');

    await ws.prepareWorkspace({ ref, branch });
    writeFileSync(join(worktreePath(dataDir, ref), 'x.txt'), 'x\n');
    await ws.commitAndPush({ ref, branch, message: 'X' });
    const basic = Buffer.from(`x-access-token:${TOKEN}`).toString('base64');
    const remotes = git(['remote', '-v'], worktreePath(dataDir, ref)) + git(['remote', '-v'], mirrorPath(dataDir, ref));
    expect(remotes).toContain(repo.url);
    for (const haystack of [remotes, allText(dataDir), logs, allText(repo.bareDir)]) {
      expect(haystack).not.toContain(TOKEN);
      expect(haystack).not.toContain(basic);
    }
    expect(logs).toContain('commit and push');
  });

  test('an agent cannot redirect the push or plant a hook that runs with the token', async () => {
    await ws.prepareWorkspace({ ref, branch });
    const wt = worktreePath(dataDir, ref);
    const marker = join(dataDir, 'hook-ran');
    const hook = join(dataDir, 'hooks');
    mkdirSync(hook);
    writeFileSync(join(hook, 'pre-push'), `#!/bin/sh\nenv > ${marker}\n`, { mode: 0o755 });
    writeFileSync(join(hook, 'reference-transaction'), `#!/bin/sh\nenv > ${marker}\n`, { mode: 0o755 });
    writeFileSync(join(mirrorPath(dataDir, ref), 'hooks', 'pre-push'), `#!/bin/sh\nenv > ${marker}\n`, { mode: 0o755 });
    git(['config', 'core.hooksPath', hook], wt);
    git(['remote', 'set-url', 'origin', 'file:///nowhere/evil.git'], wt);
    writeFileSync(join(wt, 'w.txt'), 'w\n');
    const { sha } = await ws.commitAndPush({ ref, branch, message: 'W' });
    expect(branchSha(repo.bareDir, branch)).toBe(sha);
    pushCommit(repo, 'main', { 'later.txt': 'later\n' });
    await ws.prepareWorkspace({ ref, branch });
    expect(git(['rev-parse', 'refs/remotes/origin/main'], mirrorPath(dataDir, ref))).toBe(branchSha(repo.bareDir, 'main'));
    expect(existsSync(marker)).toBe(false);
  });

  test('git config, attributes and hooks written in the worktree steer none of git calls; the next issue of the repo works', async () => {
    await ws.prepareWorkspace({ ref, branch });
    const wt = worktreePath(dataDir, ref);
    const marker = join(dataDir, 'steered');
    const run = `sh -c 'env > ${marker}; cat'`;
    const steering: [string, string][] = [
      ['url.file:///nowhere/evil.git.insteadOf', repo.url],
      [`url.file:///nowhere/evil.git.pushInsteadOf`, repo.url],
      ['http.proxy', 'http://127.0.0.1:9'],
      ['http.sslVerify', 'false'],
      ['credential.helper', `!${run}`],
      ['core.sshCommand', run],
      ['core.fsmonitor', run],
      ['core.hooksPath', join(wt, 'hooks')],
      ['include.path', join(wt, 'evil.config')],
      ['filter.evil.clean', run],
      ['filter.evil.smudge', run],
      ['filter.evil.required', 'true'],
    ];
    for (const [key, value] of steering) git(['config', key, value], wt);
    writeFileSync(join(wt, 'evil.config'), `[core]\n\tfsmonitor = ${run}\n`);
    writeFileSync(join(wt, '.gitattributes'), '* filter=evil\n');
    mkdirSync(join(wt, 'hooks'));
    for (const name of ['pre-commit', 'post-commit', 'pre-push', 'reference-transaction', 'post-checkout']) {
      writeFileSync(join(wt, 'hooks', name), `#!/bin/sh\nenv > ${marker}\n`, { mode: 0o755 });
      writeFileSync(join(wt, '.git', 'hooks', name), `#!/bin/sh\nenv > ${marker}\n`, { mode: 0o755 });
    }
    writeFileSync(join(wt, 'edit.txt'), 'the edit\n');
    const { sha } = await ws.commitAndPush({ ref, branch, message: 'Edit' });
    expect(branchSha(repo.bareDir, branch)).toBe(sha);
    expect(readFileOnBranch(repo.bareDir, branch, 'edit.txt')).toBe('the edit');

    const next = { ...ref, issueNumber: 43 };
    await ws.prepareWorkspace({ ref: next, branch: 'issueflow/issue-43' });
    writeFileSync(join(worktreePath(dataDir, next), 'next.txt'), 'next\n');
    const second = await ws.commitAndPush({ ref: next, branch: 'issueflow/issue-43', message: 'Next' });
    expect(branchSha(repo.bareDir, 'issueflow/issue-43')).toBe(second.sha);
    expect(existsSync(marker)).toBe(false);
    expect(readFileSync(join(mirrorPath(dataDir, ref), 'config'), 'utf8')).not.toMatch(/evil|insteadOf|proxy|filter/);
  });

  test('cleanup removes the worktree and keeps the pushed branch', async () => {
    await ws.prepareWorkspace({ ref, branch });
    writeFileSync(join(worktreePath(dataDir, ref), 'y.txt'), 'y\n');
    const { sha } = await ws.commitAndPush({ ref, branch, message: 'Y' });
    await ws.cleanupWorkspace({ ref, branch });
    await ws.cleanupWorkspace({ ref, branch });
    expect(existsSync(worktreePath(dataDir, ref))).toBe(false);
    expect(git(['worktree', 'list'], mirrorPath(dataDir, ref))).not.toContain('issue-42');
    expect(branchSha(repo.bareDir, branch)).toBe(sha);
  });

  test('a failing push is a GitFailed error without the token', async () => {
    await ws.prepareWorkspace({ ref, branch });
    rmSync(repo.bareDir, { recursive: true, force: true });
    writeFileSync(join(worktreePath(dataDir, ref), 'z.txt'), 'z\n');
    const err = (await ws.commitAndPush({ ref, branch, message: 'Z' }).catch((e: unknown) => e)) as Error & { type?: string };
    expect(err.type).toBe('GitFailed');
    expect(err.message).toMatch(/git push failed/);
    expect(err.message).not.toContain(TOKEN);
  });
});
