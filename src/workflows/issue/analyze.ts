import { patched } from '@temporalio/workflow';
import type { AgentResume } from '../../activities/types';
import { issueBranch } from '../../domain/ids';
import { parseIssue } from '../../domain/issue-parser';
import { planNeedsApproval, readComplexity, type AgentPlan } from '../../domain/plan';
import { buildPlanPrompt, type PromptInput } from '../../domain/prompt';
import type { Flow } from './flow';
import { copyOf, type FlowData } from './flow-data';
import type { Next } from './phases';
import { coalescing, publish, summary } from './publish';
import { askAndWait } from './waits';
import { withinBudget } from './budget';
import { ensureWorkspace } from './workspace';
import { unlessPaused } from './pause';
import { STOP_FIRST_OPTIONS, stopFirst } from './stop-first';

const MINUTE = 60_000;

/** What every prompt shares: the issue as it reads now, the plan so far and the whole conversation. */
export function promptInput(flow: Flow): PromptInput {
  const { state } = flow;
  const { data } = state;
  // Parsed afresh each time (pure and cheap): a wait consumes `pending.edited`, so it cannot say the issue changed.
  const task = parseIssue({ ...data.issue, labels: [...data.issue.labels], answers: state.answers() });
  state.recordTask(task);
  return {
    issueNumber: state.ref.issueNumber,
    repo: `${state.ref.owner}/${state.ref.repo}`,
    branch: issueBranch(state.ref.issueNumber),
    issue: copyOf<FlowData['issue']>(data.issue),
    task,
    plan: copyOf<FlowData['plan']>(data.plan),
    conversation: copyOf<FlowData['conversation']>(data.conversation),
    testFailure: data.testFailure,
    testCommand: data.config.testCommand,
    ciFailure: data.ci?.failure,
    conflict: data.conflict && { baseBranch: data.conflict.baseBranch, files: [...data.conflict.files] },
  };
}

/**
 * Runs the agent once agent runs are not paused; a cancellation waits for it to be dead. Its cost and name go into the
 * status. With `resume` it continues that session (an extra field of the activity's input: the commands are the same).
 */
export async function runAgent(flow: Flow, mode: 'plan' | 'implement', step: string, prompt: string, resume?: AgentResume) {
  const { state } = flow;
  const { agentMinutes } = state.data.config.timeouts;
  await withinBudget(flow);
  state.attempt(step.replace(/-\d+$/, ''));
  const input = { workflowId: state.workflowId, ref: state.ref, branch: issueBranch(state.ref.issueNumber), mode, prompt, agent: state.data.config.agent, step, timeoutMinutes: agentMinutes, ...(resume ? { resume } : {}) };
  const options = { summary: summary(flow, `agent ${step}`), startToCloseTimeout: (agentMinutes + 5) * MINUTE, ...STOP_FIRST_OPTIONS };
  const result = await unlessPaused(flow, () => stopFirst(() => flow.acts.runAgent.executeWithOptions(options, [input])));
  state.addRun(result);
  return result;
}

/** An edit by someone without write access is pending approval; runs recorded before this rule carry on as they did. */
export function untrustedEditPending(flow: Flow): boolean {
  return flow.state.data.untrustedEdit !== undefined && patched('reapprove-after-untrusted-edit');
}

function planComment(plan: AgentPlan, needsApproval: boolean, editedBy?: string): string {
  const lines = ['### Proposed plan', '', plan.summary, '', ...plan.steps.map((s, i) => `${i + 1}. ${s}`), ''];
  const complexity = plan.complexity === 'unknown' ? 'not stated by the agent, so approval is needed' : plan.complexity;
  lines.push(`Complexity: **${complexity}**${plan.estimate ? ` · estimate: ${plan.estimate}` : ''}`);
  if (editedBy) lines.push('', `@${editedBy}, who has no write access, changed the issue after work on it began, so someone with write access needs to approve this plan.`);
  if (needsApproval) lines.push('', 'Comment `/agent approve` to start, or reply with the changes you want and I will revise the plan.');
  return lines.join('\n');
}

/** The agent plans; its questions go to the issue; the plan waits for approval when the repo asks for it. */
export async function analyze(flow: Flow): Promise<Next<'analyze'>> {
  const { state } = flow;
  const { data } = state;
  state.enter('analyzing');
  // The agent plans in the worktree (read-only); runs recorded before the fix planned without one. A run with the
  // coalesced status writes is younger than the fix: it need not ask (a marker and an upsert fewer).
  await Promise.all([publish(flow), coalescing() || patched('workspace-before-analyze') ? ensureWorkspace(flow) : undefined]);
  const n = state.countRound('plans');
  const result = await runAgent(flow, 'plan', `analyze-${n}`, buildPlanPrompt(promptInput(flow)));
  // No plan block (or a partial one): the text is the plan, and an unknown complexity asks for approval.
  const raw: Partial<AgentPlan> = result.plan ?? {};
  const plan: AgentPlan = {
    summary: raw.summary?.trim() || result.resultText.trim(),
    steps: Array.isArray(raw.steps) ? raw.steps : [],
    complexity: readComplexity(raw.complexity),
    ...(raw.estimate ? { estimate: raw.estimate } : {}),
    questions: Array.isArray(raw.questions) ? raw.questions.filter((q) => typeof q === 'string' && q.trim()) : [],
  };
  if (plan.questions.length) {
    const q = plan.questions.map((x) => `- ${x}`).join('\n');
    const outcome = await askAndWait(flow, {
      state: 'awaiting-feedback',
      key: `plan-question-${n}`,
      question: plan.questions.join('\n'),
      comment: `Before I plan this, I need to know:\n\n${q}\n\nReply in a comment; I will include your answer.`,
    });
    return outcome === 'timeout' ? { end: 'stale' } : 'analyze';
  }
  state.recordPlan(plan);
  const edit = untrustedEditPending(flow) ? data.untrustedEdit : undefined;
  const needsApproval = planNeedsApproval(data.config.approval, plan.complexity, edit !== undefined);
  state.note(`${plan.complexity}${plan.estimate ? `, ${plan.estimate}` : ''}`);
  if (!needsApproval) return 'implement';
  const outcome = await askAndWait(flow, {
    state: 'awaiting-approval',
    key: `plan-${n}`,
    question: 'Approve the plan with `/agent approve`, or reply with changes.',
    comment: planComment(plan, true, edit?.by),
  });
  if (outcome === 'timeout') return { end: 'stale' };
  if (outcome !== 'approved' && outcome !== 'resume') return 'analyze';
  // The approval covers the edit it was asked for; one that came in meanwhile asks again.
  state.editApproved(edit);
  return 'implement';
}
