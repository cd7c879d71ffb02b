import type { Octokit } from '@octokit/rest';
import { Context } from '@temporalio/activity';
import type { IssueRef } from '../../domain/ids';
import { isStateLabel, stateLabelSpec } from '../../domain/labels';
import { commentMarker, hasMarker, markedBody } from '../../domain/markers';
import type { IssueState } from '../../domain/states';
import { permissionName } from '../../domain/github-access';
import { githubCall, githubStatus, toGithubFailure } from './errors';
import type { OctokitFactory } from './octokit';

const ISSUES_WRITE = permissionName('issues');

const issueName = (ref: IssueRef) => `${ref.owner}/${ref.repo}#${ref.issueNumber}`;

/** Whether this runs in an activity's first attempt (outside an activity, a script, it is not known to be). */
function firstAttempt(): boolean {
  try {
    return Context.current().info.attempt <= 1;
  } catch {
    return false;
  }
}

/** An issue comment as listed by GitHub, what an upsert needs of it. */
export type ListedComment = { id: number; body?: string; html_url: string; user?: { id: number } | null };

/** The state label: add the new one, then remove the old ones, one call each (never `PUT`, which would drop a label a person added meanwhile). */
export function stateLabels(octokits: OctokitFactory) {
  // Labels this process saw exist: creating one on every state change cost a write (a 422) each time.
  const labelsKnown = new Set<string>();
  return {
    async set({ ref, state }: { ref: IssueRef; state: IssueState }): Promise<void> {
      const octokit = await octokits.forRepo(ref);
      const repo = { owner: ref.owner, repo: ref.repo };
      const wanted = stateLabelSpec(state);
      const labelKey = `${repo.owner}/${repo.repo}`.toLowerCase() + `:${wanted.name}`;
      const add = () =>
        githubCall({ action: `add the label ${wanted.name} to ${issueName(ref)}`, permission: ISSUES_WRITE }, () =>
          octokit.rest.issues.addLabels({ ...repo, issue_number: ref.issueNumber, labels: [wanted.name] }),
        );
      let names: string[];
      if (labelsKnown.has(labelKey) && firstAttempt()) {
        // A label this process saw exist, in an attempt no earlier one preceded: added at once, without a read
        // first (the first visible reaction to a trigger is one round trip sooner); the answer lists the issue's
        // labels. A retry reads first instead, so it spends no write on a label an earlier attempt added.
        names = (await add()).data.map((l) => l.name);
      } else {
        const labels = await githubCall({ action: `read the labels of ${issueName(ref)}`, permission: ISSUES_WRITE }, () =>
          octokit.paginate(octokit.rest.issues.listLabelsOnIssue, { ...repo, issue_number: ref.issueNumber, per_page: 100 }),
        );
        names = labels.map((l) => l.name);
        if (!names.includes(wanted.name)) {
          // Look before creating: a read costs no write budget, and `issueflow init` created the labels already.
          if (!labelsKnown.has(labelKey) && !(await labelExists(octokit, repo, wanted.name))) {
            try {
              await octokit.rest.issues.createLabel({ ...repo, ...wanted });
            } catch (err) {
              // 422 already_exists: someone (or an earlier attempt) created it; that is what we want.
              if (githubStatus(err) !== 422) throw toGithubFailure(err, { action: `create the label ${wanted.name} in ${repo.owner}/${repo.repo}`, permission: ISSUES_WRITE });
            }
          }
          labelsKnown.add(labelKey);
          await add();
        }
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
  };
}

async function labelExists(octokit: Octokit, repo: { owner: string; repo: string }, name: string): Promise<boolean> {
  try {
    await octokit.rest.issues.getLabel({ ...repo, name });
    return true;
  } catch (err) {
    if (githubStatus(err) === 404) return false;
    throw toGithubFailure(err, { action: `read the label ${name} of ${repo.owner}/${repo.repo}`, permission: ISSUES_WRITE });
  }
}

/** issueflow's own marked comments: listed once, then each edited (only when its text changed) or created. */
export function ownComments(octokits: OctokitFactory) {
  const ctx = (ref: IssueRef) => ({ action: `comment on ${issueName(ref)}`, permission: ISSUES_WRITE });
  return {
    async list(ref: IssueRef): Promise<ListedComment[]> {
      const octokit = await octokits.forRepo(ref);
      return githubCall(ctx(ref), () => octokit.paginate(octokit.rest.issues.listComments, { owner: ref.owner, repo: ref.repo, issue_number: ref.issueNumber, per_page: 100 }));
    },
    async upsert(ref: IssueRef, comments: ListedComment[], workflowId: string, key: string, body: string): Promise<{ commentId: number; url: string }> {
      const octokit = await octokits.forRepo(ref);
      const self = await octokits.identity();
      const repo = { owner: ref.owner, repo: ref.repo };
      const marker = commentMarker(workflowId, key);
      const text = markedBody(workflowId, key, body);
      // Anybody can paste the marker into a comment: only one issueflow itself wrote is its own to edit.
      const existing = comments.find((c) => c.user?.id === self.id && hasMarker(c.body, marker));
      if (existing && existing.body === text) return { commentId: existing.id, url: existing.html_url };
      const { data } = existing
        ? await githubCall(ctx(ref), () => octokit.rest.issues.updateComment({ ...repo, comment_id: existing.id, body: text }))
        : await githubCall(ctx(ref), () => octokit.rest.issues.createComment({ ...repo, issue_number: ref.issueNumber, body: text }));
      return { commentId: data.id, url: data.html_url };
    },
  };
}
