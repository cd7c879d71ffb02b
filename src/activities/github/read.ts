import { parse, YAMLParseError } from 'yaml';
import type { IssueRef, RepoRef } from '../../domain/ids';
import { DEFAULT_REPO_CONFIG, validateRepoConfig } from '../../domain/repo-config';
import { isTrustedAssociation } from '../../domain/trust';
import type { GithubReadActivities, IssueSnapshot, RepoConfigResult } from '../types';
import { githubCall, githubStatus, toGithubFailure } from './errors';
import type { OctokitFactory } from './octokit';

/** Where a repository configures issueflow. */
export const REPO_CONFIG_PATH = '.github/issueflow.yml';

const READ = 'Issues: read, Contents: read';

/** The read activities: the issue, the repository's issueflow.yml, which files exist. */
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
