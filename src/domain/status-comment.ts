import { spentLine } from './budget';
import { candidateLines } from './candidates';
import { checkLines } from './ci';
import type { IssueState } from './states';
import type { IssueStatus, StepRecord } from './status';

/** The main path of an issue, in order; the progress bar counts how far along it an issue is. */
const PROGRESS: IssueState[] = ['queued', 'parsing', 'validating', 'analyzing', 'implementing', 'testing', 'completed'];

const HEADLINE: Record<IssueState, string> = {
  queued: 'Queued: waiting for a worker',
  parsing: 'Reading the issue',
  validating: 'Checking the issue',
  'awaiting-feedback': 'Waiting for your answer',
  analyzing: 'Planning',
  'awaiting-approval': 'Waiting for plan approval (`/agent approve`)',
  implementing: 'Implementing',
  testing: 'Running the tests',
  checking: 'Waiting for the CI checks',
  completed: 'Pull request ready',
  escalated: 'Needs a human',
  failed: 'Failed',
  stale: 'Stopped: no answer',
  cancelled: 'Cancelled',
};

const MARK: Record<StepRecord['state'], string> = { running: '⏳', done: '✅', failed: '❌', skipped: '⏭️' };

export interface StatusCommentLinks {
  /** Base URL of the Temporal UI, e.g. `http://localhost:8233`. */
  temporalUiUrl?: string;
  namespace?: string;
  /** `https://github.com/{owner}/{repo}`, to link the branch. */
  repoUrl?: string;
}

/** Milliseconds between two ISO times, as `1h 2m`, `3m 4s` or `5s`. */
export function formatDuration(ms: number): string {
  if (!Number.isFinite(ms) || ms < 0) return '?';
  const s = Math.round(ms / 1000);
  if (s < 60) return `${s}s`;
  const m = Math.floor(s / 60);
  if (m < 60) return `${m}m ${s % 60}s`;
  const h = Math.floor(m / 60);
  return h < 48 ? `${h}h ${m % 60}m` : `${Math.floor(h / 24)}d ${h % 24}h`;
}

/** `▰▰▰▱▱▱▱ 3/7`, or the last reached position when the issue left the main path. */
export function progressBar(status: Pick<IssueStatus, 'state' | 'steps'>): string {
  let reached = PROGRESS.indexOf(status.state);
  if (reached < 0) {
    for (const step of status.steps) reached = Math.max(reached, PROGRESS.indexOf(step.step as IssueState));
  }
  const done = Math.max(0, reached) + 1;
  return `${'▰'.repeat(done)}${'▱'.repeat(PROGRESS.length - done)} ${done}/${PROGRESS.length}`;
}

export function temporalWorkflowUrl(links: StatusCommentLinks, workflowId: string): string | undefined {
  if (!links.temporalUiUrl) return undefined;
  const base = links.temporalUiUrl.replace(/\/+$/, '');
  return `${base}/namespaces/${encodeURIComponent(links.namespace ?? 'default')}/workflows/${encodeURIComponent(workflowId)}`;
}

function stepLine(step: StepRecord): string {
  const took = step.endedAt ? ` (${formatDuration(Date.parse(step.endedAt) - Date.parse(step.startedAt))})` : '';
  return `- ${MARK[step.state]} ${step.step}${took}${step.note ? `: ${step.note}` : ''}`;
}

/** The one status comment of an issue, edited in place at every state change. */
export function renderStatusComment(status: IssueStatus, links: StatusCommentLinks = {}): string {
  const out = [`### issueflow: ${HEADLINE[status.state]}`, '', `\`agent:${status.state}\` ${progressBar(status)}`, ''];
  if (status.steps.length) out.push(...status.steps.map(stepLine), '');
  if (status.pendingQuestion) out.push('**Waiting for:**', ...status.pendingQuestion.split('\n').map((l) => `> ${l}`), '');
  if (status.checks) {
    const { sha, items, ignored } = status.checks;
    out.push(`**Checks** of \`${sha.slice(0, 7)}\`:`, ...(items.length ? checkLines(items, ignored) : ['- (none reported yet)']), '');
  }
  if (status.candidates) out.push(...candidateLines(status.candidates), '');
  if (status.lastError) out.push(`**Last error** in \`${status.lastError.step}\`: ${status.lastError.message.split('\n')[0]}`, '');
  const links_: string[] = [];
  if (status.pullRequest) links_.push(`[PR #${status.pullRequest.number}](${status.pullRequest.url})`);
  if (status.branch) links_.push(links.repoUrl ? `[\`${status.branch}\`](${links.repoUrl}/tree/${status.branch})` : `\`${status.branch}\``);
  const ui = temporalWorkflowUrl(links, status.workflowId);
  if (ui) links_.push(`[Temporal](${ui})`);
  if (links_.length) out.push(links_.join(' · '), '');
  const previous = status.previousPullRequest;
  if (previous) out.push(`Previous PR: [#${previous.number}](${previous.url}) (${previous.state})`, '');
  const attempts = Object.entries(status.attempts).filter(([, n]) => n > 1);
  const cost = `Agent cost: ${spentLine({ usd: status.costUsd, agentMs: status.agentMs ?? 0 }, status.budget)}${status.agent ? ` (${status.agent})` : ''}`;
  out.push(attempts.length ? `${cost} · attempts: ${attempts.map(([k, n]) => `${k} ${n}`).join(', ')}` : cost);
  const retryCi = status.checks ? ', `/agent retry-ci`' : '';
  out.push('', `<sub>Commands: \`/agent status\`, \`/agent retry\`, \`/agent cancel\`, \`/agent escalate\`, \`/agent approve\`${retryCi}</sub>`);
  return out.join('\n');
}
