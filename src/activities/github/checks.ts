import { actionsIds, checkRunState, commitStatusState, logTail, type CheckInfo } from '../../domain/ci';
import type { GithubReadActivities } from '../types';
import { githubCall, githubStatus, toGithubFailure } from './errors';
import type { OctokitFactory } from './octokit';
import { permissionName } from '../../domain/github-access';

const CHECKS_READ = permissionName('checks');

/** GitHub Actions' own App: only its check runs are jobs with a log and a re-run. */
const ACTIONS_APP = 'github-actions';

/** The CI reads: the checks of a commit and what a failed one says. */
export function createCheckReadActivities(deps: { octokits: OctokitFactory }): Pick<GithubReadActivities, 'getChecks' | 'getCheckFailure'> {
  const { octokits } = deps;
  return {
    /** Check runs (the latest of each name, GitHub's `filter=latest`) and commit statuses of `sha`. */
    async getChecks({ ref, sha }) {
      const octokit = await octokits.forRepo(ref);
      const repo = { owner: ref.owner, repo: ref.repo, ref: sha };
      const where = `${sha.slice(0, 7)} in ${ref.owner}/${ref.repo}`;
      const runs = await githubCall({ action: `list the check runs of ${where}`, permission: CHECKS_READ }, () =>
        octokit.paginate(octokit.rest.checks.listForRef, { ...repo, filter: 'latest', per_page: 100 }),
      );
      const combined = await githubCall({ action: `read the commit statuses of ${where}`, permission: permissionName('statuses') }, () =>
        octokit.rest.repos.getCombinedStatusForRef({ ...repo, per_page: 100 }),
      );
      const checks: CheckInfo[] = runs.map((r) => {
        const ids = r.app?.slug === ACTIONS_APP ? actionsIds(r.details_url) : undefined;
        return { name: r.name, state: checkRunState(r.status, r.conclusion), url: r.html_url ?? r.details_url ?? undefined, source: 'check-run', checkRunId: r.id, ...(ids ?? {}) };
      });
      for (const s of combined.data.statuses) {
        checks.push({ name: s.context, state: commitStatusState(s.state), source: 'status', ...(s.target_url ? { url: s.target_url } : {}) });
      }
      return checks;
    },

    /** The check's output (title, summary, text) and, for an Actions job, its log's tail; a log GitHub no longer has is said so. */
    async getCheckFailure({ ref, check }) {
      const octokit = await octokits.forRepo(ref);
      const out = [`Check \`${check.name}\` failed${check.url ? ` (${check.url})` : ''}.`];
      if (check.source === 'status' || check.checkRunId === undefined) return out.join('\n');
      const { data } = await githubCall({ action: `read check run ${check.checkRunId} in ${ref.owner}/${ref.repo}`, permission: CHECKS_READ }, () =>
        octokit.rest.checks.get({ owner: ref.owner, repo: ref.repo, check_run_id: check.checkRunId! }),
      );
      for (const part of [data.output.title, data.output.summary, data.output.text]) if (part?.trim()) out.push(part.trim());
      if (check.jobId !== undefined) out.push('', `Log of job ${check.jobId} (last lines):`, await jobLogTail(octokits, ref, check.jobId));
      return out.join('\n').slice(-8000);
    },
  };
}

/** The end of a job's log; GitHub answers with a redirect to the log, which Octokit follows. */
async function jobLogTail(octokits: OctokitFactory, ref: { owner: string; repo: string }, jobId: number): Promise<string> {
  const octokit = await octokits.forRepo(ref);
  try {
    const { data } = await octokit.rest.actions.downloadJobLogsForWorkflowRun({ owner: ref.owner, repo: ref.repo, job_id: jobId });
    return logTail(typeof data === 'string' ? data : Buffer.from(data as ArrayBuffer).toString('utf8'));
  } catch (err) {
    // Logs expire (410) or were deleted (404): the check's own output above has to do.
    if (githubStatus(err) === 404 || githubStatus(err) === 410) return '(the log is no longer available)';
    throw toGithubFailure(err, { action: `read the log of job ${jobId} in ${ref.owner}/${ref.repo}`, permission: 'Actions: read' });
  }
}
