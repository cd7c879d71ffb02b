import { parse, YAMLParseError } from 'yaml';
import type { IssueRef, RepoRef } from '../../domain/ids';
import { DEFAULT_REPO_CONFIG, validateRepoConfig } from '../../domain/repo-config';
import { isTrustedAssociation } from '../../domain/trust';
import type { GithubReadActivities, IssueSnapshot, PullRequestSnapshot, RepoConfigResult } from '../types';
import { createCheckReadActivities } from './checks';
import { githubCall, githubStatus, toGithubFailure } from './errors';
import type { OctokitFactory } from './octokit';

/** Where a repository configures issueflow. */
export const REPO_CONFIG_PATH = '.github/issueflow.yml';

const READ = 'Issues: read, Contents: read';
const PULLS_READ = 'Pull requests: read';

/** The fields the workflow reads of a pull request, from `pulls.get` (merged) or `pulls.list` (merged_at). */
function snapshot(pr: { number: number; html_url: string; state: string; merged?: boolean; merged_at: string | null }): PullRequestSnapshot {
  return { number: pr.number, url: pr.html_url, state: pr.state === 'open' ? 'open' : 'closed', merged: pr.merged ?? pr.merged_at !== null };
}

/** The read activities: the issue, the repository's issueflow.yml, which files exist, pull requests. */
export function createGithubReadActivities(deps: { octokits: OctokitFactory }): GithubReadActivities {
  const { octokits } = deps;

  /** The text of a file on the default branch ('' for a folder), or undefined when it does not exist. */
  async function readFile(ref: RepoRef, path: string): Promise<string | undefined> {
    const octokit = await octokits.forRepo(ref);
    try {
      const { data } = await octokit.rest.repos.getContent({ owner: ref.owner, repo: ref.repo, path });
      if (Array.isArray(data)) return '';
      return data.type === 'file' ? Buffer.from(data.content, 'base64').toString('utf8') : '';
    } catch (err) {
      if (githubStatus(err) === 404) return undefined;
      throw toGithubFailure(err, { action: `read ${path} in ${ref.owner}/${ref.repo}`, permission: 'Contents: read' });
    }
  }

  return {
    ...createCheckReadActivities(deps),

    /** The issue's title, body, labels, author (and whether they have write access) and state. */
    async getIssue(ref: IssueRef): Promise<IssueSnapshot> {
      const octokit = await octokits.forRepo(ref);
      const where = `${ref.owner}/${ref.repo}#${ref.issueNumber}`;
      const { data } = await githubCall({ action: `read issue ${where}`, permission: READ, notFound: `Issue ${where} does not exist or the token/App cannot see ${ref.owner}/${ref.repo}.` }, () =>
        octokit.rest.issues.get({ owner: ref.owner, repo: ref.repo, issue_number: ref.issueNumber }),
      );
      return {
        title: data.title,
        body: data.body ?? '',
        labels: data.labels.map((l) => (typeof l === 'string' ? l : (l.name ?? ''))).filter(Boolean),
        author: data.user?.login ?? 'ghost',
        authorTrusted: isTrustedAssociation(data.author_association),
        state: data.state === 'closed' ? 'closed' : 'open',
        htmlUrl: data.html_url,
      };
    },

    /** `.github/issueflow.yml` read and validated; defaults when absent, problems when invalid. */
    async getRepoConfig(ref: RepoRef): Promise<RepoConfigResult> {
      const text = await readFile(ref, REPO_CONFIG_PATH);
      if (text === undefined) return { config: DEFAULT_REPO_CONFIG, problems: [], found: false };
      let raw: unknown;
      try {
        raw = parse(text);
      } catch (err) {
        const why = err instanceof YAMLParseError ? err.message.split('\n')[0] : String(err);
        return { config: DEFAULT_REPO_CONFIG, problems: [`\`${REPO_CONFIG_PATH}\` is not valid YAML: ${why}`], found: true };
      }
      return { ...validateRepoConfig(raw), found: true };
    },

    /** One pull request as it is now. */
    async getPullRequest({ ref, number }) {
      const octokit = await octokits.forRepo(ref);
      const where = `${ref.owner}/${ref.repo}#${number}`;
      const { data } = await githubCall({ action: `read pull request ${where}`, permission: PULLS_READ, notFound: `Pull request ${where} does not exist or the token/App cannot see it.` }, () =>
        octokit.rest.pulls.get({ owner: ref.owner, repo: ref.repo, pull_number: number }),
      );
      return { ...snapshot(data), mergeableState: data.mergeable_state };
    },

    /** The newest pull request of `branch` in the repository itself: `head` filters by the owner, so forks are left out. */
    async findPullRequest({ ref, branch }) {
      const octokit = await octokits.forRepo(ref);
      const { data } = await githubCall({ action: `list the pull requests of ${branch} in ${ref.owner}/${ref.repo}`, permission: PULLS_READ }, () =>
        octokit.rest.pulls.list({ owner: ref.owner, repo: ref.repo, state: 'all', head: `${ref.owner}:${branch}`, sort: 'created', direction: 'desc', per_page: 1 }),
      );
      return data[0] ? snapshot(data[0]) : null;
    },

    /** The given paths that do not exist on the default branch. */
    async findMissingFiles(ref: RepoRef, paths: string[]): Promise<string[]> {
      const missing: string[] = [];
      for (const path of [...new Set(paths)]) {
        if ((await readFile(ref, path.replace(/^\.?\//, ''))) === undefined) missing.push(path);
      }
      return missing;
    },
  };
}
