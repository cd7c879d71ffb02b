import { issueBranch } from '../../domain/ids';
import { formatDuration } from '../../domain/status-comment';
import type { Flow } from './flow';
import type { Next } from './phases';
import { startCiWait, waitsForCi } from './ci-start';
import { publish, summary } from './publish';

function pullRequestBody(flow: Flow): string {
  const { data, ref } = flow.state;
  const plan = data.plan ? [data.plan.summary, '', ...data.plan.steps.map((s, i) => `${i + 1}. ${s}`)] : [];
  return [`Fixes #${ref.issueNumber}`, '', ...plan, '', `Opened by issueflow for @${data.issue.author || 'the issue author'}.`].join('\n');
}

function summaryComment(flow: Flow, ci?: string): string {
  const { data } = flow.state;
  const s = data.status;
  const took = formatDuration(Date.parse(s.updatedAt) - Date.parse(s.startedAt));
  const files = data.filesChanged.length ? data.filesChanged.map((f) => `- \`${f}\``).join('\n') : '- (no files changed)';
  const tests = data.lastTests ? `passed (${formatDuration(data.lastTests.durationMs)}, \`${data.config.testCommand}\`)` : 'not run';
  return [
    `### Done: ${s.pullRequest ? `[PR #${s.pullRequest.number}](${s.pullRequest.url})` : 'pull request'}`,
    '',
    `**Files changed** (${data.filesChanged.length}):`,
    files,
    '',
    `**Tests:** ${tests}`,
    ...(ci ? [`**CI:** ${ci}`] : []),
    `**Duration:** ${took} · **Agent cost:** $${s.costUsd.toFixed(2)}${s.agent ? ` (${s.agent})` : ''}`,
    '',
    'Review the pull request; review comments or `/agent run` start another round on the same branch.',
  ].join('\n');
}

/** Opens (or finds) the pull request and reports what was done. */
export async function complete(flow: Flow): Promise<Next<'complete'>> {
  const { state } = flow;
  const { data } = state;
  const branch = issueBranch(state.ref.issueNumber);
  const pr = await flow.acts.ensurePullRequest.executeWithOptions({ summary: summary(flow, `pull request from ${branch}`) }, [
    { ref: state.ref, branch, title: `${data.task?.title ?? data.issue.title} (#${state.ref.issueNumber})`, body: pullRequestBody(flow) },
  ]);
  state.recordPullRequest({ number: pr.number, url: pr.url });
  if (waitsForCi(flow)) return startCiWait(flow);
  return announceCompleted(flow, `PR #${pr.number}`);
}

/** The round is done: the completed state and the round's summary comment (with what CI said, when it was waited for). */
export async function announceCompleted(flow: Flow, note: string, ci?: string): Promise<'listen'> {
  const { state } = flow;
  state.enter('completed', note);
  await publish(flow, [{ key: `summary-${state.data.counters.implements}`, body: summaryComment(flow, ci) }]);
  return 'listen';
}
