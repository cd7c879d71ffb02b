import type { AgentPlan } from './plan';
import type { ParsedTask } from './issue-parser';

/** One message of the issue's conversation that the agent must see: answers, plan feedback, reviews. */
export interface ConversationEntry {
  kind: 'answer' | 'plan-feedback' | 'review' | 'instruction';
  author: string;
  body: string;
  at: string;
  /** Review comments on a line of the pull request. */
  path?: string;
  line?: number;
}

export interface PromptInput {
  issueNumber: number;
  repo: string;
  branch: string;
  task: ParsedTask;
  plan?: AgentPlan;
  conversation: ConversationEntry[];
  /** The tail of the last failing test run, when this round is a fix. */
  testFailure?: string;
  testCommand?: string;
}

const PLAN_FORMAT = [
  'Answer with a JSON block: {"summary": string, "steps": string[], "complexity": "simple" | "complex",',
  '"estimate": string, "questions": string[]}. Ask questions only when the task cannot be done without the answer.',
].join(' ');

function taskSection(input: PromptInput): string[] {
  const { task } = input;
  const out = [`# Issue #${input.issueNumber} in ${input.repo}: ${task.title}`, ''];
  out.push(`Type: ${task.taskType}. Priority: ${task.priority}. Author: @${task.author || 'unknown'}.`, '');
  out.push('## Description', task.description || '(none)', '');
  if (task.acceptanceCriteria.length) out.push('## Acceptance criteria', ...task.acceptanceCriteria.map((c) => `- ${c}`), '');
  if (task.relevantFiles.length) out.push('## Relevant files', ...task.relevantFiles.map((f) => `- ${f}`), '');
  if (task.context) out.push('## Context', task.context, '');
  return out;
}

function conversationSection(entries: ConversationEntry[]): string[] {
  if (!entries.length) return [];
  const out = ['## Conversation so far (oldest first; later messages win)'];
  for (const e of entries) {
    const where = e.path ? ` on ${e.path}${e.line ? `:${e.line}` : ''}` : '';
    out.push(`### ${e.kind} from @${e.author}${where} at ${e.at}`, e.body.trim(), '');
  }
  return out;
}

function planSection(plan: AgentPlan | undefined): string[] {
  if (!plan) return [];
  return ['## Agreed plan', plan.summary, ...plan.steps.map((s, i) => `${i + 1}. ${s}`), ''];
}

/** The prompt of the analysis run: understand the task, propose a plan, ask what is unclear. */
export function buildPlanPrompt(input: PromptInput): string {
  return [
    ...taskSection(input),
    ...planSection(input.plan),
    ...conversationSection(input.conversation),
    '## Your job',
    'Read the repository and propose a plan for this issue. Do not change any file.',
    PLAN_FORMAT,
  ].join('\n');
}

/** The prompt of an implementation run: the issue, the plan, the whole conversation and the last test failure. */
export function buildImplementPrompt(input: PromptInput): string {
  const out = [...taskSection(input), ...planSection(input.plan), ...conversationSection(input.conversation)];
  if (input.testFailure) out.push('## The tests failed after the last round; fix them', '```', input.testFailure.trim(), '```', '');
  out.push(
    '## Your job',
    `Implement the issue on branch \`${input.branch}\`. Keep the change focused; add or update tests.`,
    input.testCommand ? `The tests run with \`${input.testCommand}\`; make them pass.` : '',
    'Address every review comment and answer above. Do not commit; issueflow commits and pushes.',
  );
  return out.filter((l, i, a) => !(l === '' && a[i - 1] === '')).join('\n');
}
