import { ApplicationFailure } from '@temporalio/common';
import { FAILURE_TYPES, type GithubWriteActivities } from '../types';
import { githubCall, githubStatus, toGithubFailure } from './errors';
import type { OctokitFactory } from './octokit';
import { ownComments, stateLabels } from './write-status';
import { permissionName } from '../../domain/github-access';

const ISSUES_WRITE = permissionName('issues');
const PULLS_WRITE = permissionName('pull_requests');

/** The write activities; each is idempotent, so a retry after a lost answer does no harm. */
export function createGithubWriteActivities(deps: { octokits: OctokitFactory }): GithubWriteActivities {
  const { octokits } = deps;
  const labels = stateLabels(octokits);
  const comments_ = ownComments(octokits);

  return {
    /** Leaves exactly one `agent:*` label, the state's; creates the label with its colour when missing. */
    setStateLabel: (input) => labels.set(input),

    /** Edits issueflow's own comment carrying the marker (only when its text changed) or creates it. */
    async upsertComment({ ref, workflowId, key, body }) {
      const comments = await comments_.list(ref);
      return comments_.upsert(ref, comments, workflowId, key, body);
    },

    /** The state label, then each comment (the issue's comments read once): one activity for one step of the status. */
    async publishStatus({ ref, workflowId, state, comments }) {
      if (state) await labels.set({ ref, state });
      const existing = await comments_.list(ref);
      const out: Record<string, { commentId: number; url: string }> = {};
      for (const { key, body } of comments) out[key] = await comments_.upsert(ref, existing, workflowId, key, body);
      return out;
    },

    /** Finds the open pull request of `branch`, or opens one against the default branch. */
    async ensurePullRequest({ ref, branch, title, body }) {
      const octokit = await octokits.forRepo(ref);
      const repo = { owner: ref.owner, repo: ref.repo };
      const ctx = { action: `open a pull request for ${branch} in ${repo.owner}/${repo.repo}`, permission: PULLS_WRITE };
      const findOpen = async () => {
        const { data } = await githubCall(ctx, () => octokit.rest.pulls.list({ ...repo, state: 'open', head: `${repo.owner}:${branch}`, per_page: 1 }));
        return data[0];
      };
      const open = await findOpen();
      if (open) return { number: open.number, url: open.html_url, created: false };
      const { data: info } = await githubCall({ ...ctx, permission: permissionName('metadata') }, () => octokit.rest.repos.get(repo));
      try {
        const { data } = await octokit.rest.pulls.create({ ...repo, head: branch, base: info.default_branch, title, body });
        return { number: data.number, url: data.html_url, created: true };
      } catch (err) {
        const answer = JSON.stringify((err as { response?: { data?: unknown } }).response?.data ?? '');
        // An earlier attempt may have opened it and lost the answer.
        if (githubStatus(err) === 422 && /already exists/i.test(answer)) {
          const found = await findOpen();
          if (found) return { number: found.number, url: found.html_url, created: false };
        }
        if (githubStatus(err) === 422 && /No commits between/i.test(answer)) {
          throw ApplicationFailure.create({
            message: `The agent made no changes: ${branch} has no commits that ${info.default_branch} lacks, so there is no pull request to open. Say in a comment what is missing, then \`/agent retry\` runs the agent again.`,
            type: FAILURE_TYPES.noChanges,
            nonRetryable: true,
          });
        }
        throw toGithubFailure(err, ctx);
      }
    },

    /** Adds a reaction to a comment; GitHub answers 200 when it is already there. */
    async reactToComment({ ref, commentId, content }) {
      const octokit = await octokits.forRepo(ref);
      await githubCall({ action: `react to comment ${commentId} in ${ref.owner}/${ref.repo}`, permission: ISSUES_WRITE }, () =>
        octokit.rest.reactions.createForIssueComment({ owner: ref.owner, repo: ref.repo, comment_id: commentId, content }),
      );
    },

    /** Asks GitHub Actions to run the failed jobs of a workflow run again (and the jobs that depend on them). */
    async rerunFailedJobs({ ref, runId }) {
      const octokit = await octokits.forRepo(ref);
      await githubCall({ action: `re-run the failed jobs of workflow run ${runId} in ${ref.owner}/${ref.repo}`, permission: permissionName('actions') }, () =>
        octokit.rest.actions.reRunWorkflowFailedJobs({ owner: ref.owner, repo: ref.repo, run_id: runId }),
      );
    },
  };
}
