import { execFileSync, spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { pathToFileURL } from 'node:url';

export interface TestRepo {
  /** The bare repository on disk. */
  bareDir: string;
  /** Its `file://` URL, what GIT_CLONE_URL points at in tests. */
  url: string;
  /** A GIT_CLONE_URL template that resolves to `url` for any owner and this repo name. */
  cloneUrlTemplate: string;
  defaultBranch: string;
  cleanup(): void;
}

const GIT_ENV = {
  ...process.env,
  GIT_AUTHOR_NAME: 'Test',
  GIT_AUTHOR_EMAIL: 'test@example.com',
  GIT_COMMITTER_NAME: 'Test',
  GIT_COMMITTER_EMAIL: 'test@example.com',
  GIT_CONFIG_NOSYSTEM: '1',
};

/** Runs git and returns its trimmed stdout. */
export function git(args: string[], cwd?: string): string {
  return execFileSync('git', args, { cwd, env: GIT_ENV, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] }).trim();
}

/** The tiny Node project: `npm test` (= `node test.js`) passes when math.js adds, fails when it subtracts. */
export function nodeProjectFiles(passing: boolean): Record<string, string> {
  return {
    'package.json': JSON.stringify({ name: 'tiny', version: '1.0.0', private: true, scripts: { test: 'node test.js' } }, null, 2) + '\n',
    'math.js': `exports.add = (a, b) => a ${passing ? '+' : '-'} b;\n`,
    'test.js': [
      "const assert = require('node:assert');",
      "const { add } = require('./math');",
      'assert.strictEqual(add(2, 3), 5);',
      "console.log('all tests passed');",
      '',
    ].join('\n'),
    'README.md': '# tiny\n',
  };
}

/**
 * A real bare repository (`<tmp>/<owner>/<name>.git`, served as `file://`) with one commit of the tiny
 * Node project on `main`, plus any extra `files`.
 */
export function createBareRepo(options: { owner?: string; name?: string; passing?: boolean; files?: Record<string, string> } = {}): TestRepo {
  const root = mkdtempSync(join(tmpdir(), 'issueflow-git-'));
  const owner = options.owner ?? 'acme';
  const name = options.name ?? 'tiny';
  const bareDir = join(root, owner, `${name}.git`);
  mkdirSync(dirname(bareDir), { recursive: true });
  git(['init', '--bare', '--initial-branch=main', bareDir]);
  const work = join(root, 'seed');
  git(['init', '--initial-branch=main', work]);
  const files = { ...nodeProjectFiles(options.passing ?? true), ...options.files };
  for (const [path, content] of Object.entries(files)) {
    mkdirSync(dirname(join(work, path)), { recursive: true });
    writeFileSync(join(work, path), content);
  }
  git(['add', '-A'], work);
  git(['commit', '-m', 'Initial commit'], work);
  git(['push', bareDir, 'main'], work);
  rmSync(work, { recursive: true, force: true });
  return {
    bareDir,
    url: pathToFileURL(bareDir).href,
    cloneUrlTemplate: `${pathToFileURL(root).href}/{owner}/{repo}.git`,
    defaultBranch: 'main',
    cleanup: () => rmSync(root, { recursive: true, force: true }),
  };
}

/** The sha of a branch in a bare repo, or undefined when it does not exist. */
export function branchSha(bareDir: string, branch: string): string | undefined {
  try {
    return git(['rev-parse', '--verify', '--quiet', `refs/heads/${branch}`], bareDir);
  } catch {
    return undefined;
  }
}

/** Whether `head` merges into `base` as GitHub's `mergeable_state` says it: `dirty` (conflicts), `behind` (lacks base commits) or `clean`. */
export function mergeState(bareDir: string, base: string, head: string): { state: 'clean' | 'dirty' | 'behind'; commits: string } {
  const [baseSha, headSha] = [branchSha(bareDir, base), branchSha(bareDir, head)];
  const commits = `${baseSha ?? '-'}...${headSha ?? '-'}`;
  if (!baseSha || !headSha) return { state: 'clean', commits };
  const merge = spawnSync('git', ['merge-tree', '--write-tree', '--no-messages', baseSha, headSha], { cwd: bareDir, env: GIT_ENV });
  if (merge.status === 1) return { state: 'dirty', commits };
  const behind = spawnSync('git', ['merge-base', '--is-ancestor', baseSha, headSha], { cwd: bareDir, env: GIT_ENV }).status !== 0;
  return { state: behind ? 'behind' : 'clean', commits };
}

/** A file's content on a branch of a bare repo. */
export function readFileOnBranch(bareDir: string, branch: string, path: string): string {
  return git(['show', `${branch}:${path}`], bareDir);
}

/** Commits `files` onto `branch` of the bare repo from outside issueflow (a person pushing). */
export function pushCommit(repo: TestRepo, branch: string, files: Record<string, string>, message = 'External change'): string {
  const work = mkdtempSync(join(tmpdir(), 'issueflow-push-'));
  try {
    git(['clone', '--quiet', repo.url, work]);
    const exists = branchSha(repo.bareDir, branch) !== undefined;
    git(['checkout', '-q', ...(exists ? [branch] : ['-b', branch])], work);
    for (const [path, content] of Object.entries(files)) {
      mkdirSync(dirname(join(work, path)), { recursive: true });
      writeFileSync(join(work, path), content);
    }
    git(['add', '-A'], work);
    git(['commit', '-q', '-m', message], work);
    git(['push', '-q', 'origin', `HEAD:refs/heads/${branch}`], work);
    return git(['rev-parse', 'HEAD'], work);
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
}
