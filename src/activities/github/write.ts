import type { IssueRef } from '../../domain/ids';
import { isStateLabel, stateLabelSpec } from '../../domain/labels';
import { commentMarker, hasMarker, markedBody } from '../../domain/markers';
import { ApplicationFailure } from '@temporalio/common';
import { FAILURE_TYPES, type GithubWriteActivities } from '../types';
import { githubCall, githubStatus, toGithubFailure } from './errors';
import type { OctokitFactory } from './octokit';
import { permissionName } from '../../domain/github-access';

const ISSUES_WRITE = permissionName('issues');
const PULLS_WRITE = permissionName('pull_requests');

const issueName = (ref: IssueRef) => `${ref.owner}/${ref.repo}#${ref.issueNumber}`;

/** The write activities; each is idempotent, so a retry after a lost answer does no harm. */
export function createGithubWriteActivities(deps: { octokits: OctokitFactory }): GithubWriteActivities {
  const { octokits } = deps;
  // Labels this process saw exist: creating one on every state change cost a write (a 422) each time.
  const labelsKnown = new Set<string>();

  return {
    /** Leaves exactly one `agent:*` label, the state's; creates the label with its colour when missing. */
    async setStateLabel({ ref, state }) {
      const octokit = await octokits.forRepo(ref);
      const repo = { owner: ref.owner, repo: ref.repo };
      const wanted = stateLabelSpec(state);
      const labels = await githubCall({ action: `read the labels of ${issueName(ref)}`, permission: ISSUES_WRITE }, () =>
        octokit.paginate(octokit.rest.issues.listLabelsOnIssue, { ...repo, issue_number: ref.issueNumber, per_page: 100 }),
      );
      const names = labels.map((l) => l.name);
      const labelKey = `${repo.owner}/${repo.repo}`.toLowerCase() + `:${wanted.name}`;
      if (!names.includes(wanted.name)) {
        if (!labelsKnown.has(labelKey)) {
          try {
            await octokit.rest.issues.createLabel({ ...repo, ...wanted });
          } catch (err) {
            // 422 already_exists: someone (or an earlier attempt) created it; that is what we want.
            if (githubStatus(err) !== 422) throw toGithubFailure(err, { action: `create the label ${wanted.name} in ${repo.owner}/${repo.repo}`, permission: ISSUES_WRITE });
          }
          labelsKnown.add(labelKey);
        }
        await githubCall({ action: `add the label ${wanted.name} to ${issueName(ref)}`, permission: ISSUES_WRITE }, () =>
          octokit.rest.issues.addLabels({ ...repo, issue_number: ref.issueNumber, labels: [wanted.name] }),
        );
      }
      // Add first, then remove: the issue is never without a state label.
      for (const name of names.filter((n) => isStateLabel(n) && n !== wanted.name)) {
        try {
          await octokit.rest.issues.removeLabel({ ...repo, issue_number: ref.issueNumber, name });
        } catch (err) {
          if (githubStatus(err) !== 404) throw toGithubFailure(err, { action: `remove the label ${name} from ${issueName(ref)}`, permission: ISSUES_WRITE });
        }
      }
    },

    /** Edits issueflow's own comment carrying the marker (only when its text changed) or creates it. */
    async upsertComment({ ref, workflowId, key, body }) {
      const octokit = await octokits.forRepo(ref);
      const self = await octokits.identity();
      const repo = { owner: ref.owner, repo: ref.repo };
      const marker = commentMarker(workflowId, key);
      const text = markedBody(workflowId, key, body);
      const ctx = { action: `comment on ${issueName(ref)}`, permission: ISSUES_WRITE };
      const comments = await githubCall(ctx, () => octokit.paginate(octokit.rest.issues.listComments, { ...repo, issue_number: ref.issueNumber, per_page: 100 }));
      // Anybody can paste the marker into a comment: only one issueflow itself wrote is its own to edit.
      const existing = comments.find((c) => c.user?.id === self.id && hasMarker(c.body, marker));
      if (existing && existing.body === text) return { commentId: existing.id, url: existing.html_url };
      const { data } = existing
        ? await githubCall(ctx, () => octokit.rest.issues.updateComment({ ...repo, comment_id: existing.id, body: text }))
        : await githubCall(ctx, () => octokit.rest.issues.createComment({ ...repo, issue_number: ref.issueNumber, body: text }));
      return { commentId: data.id, url: data.html_url };
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
