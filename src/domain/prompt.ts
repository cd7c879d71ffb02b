import type { AgentPlan } from './plan';
import type { ParsedTask } from './issue-parser';
import { byline, fenced, UNTRUSTED_MARK, UNTRUSTED_NOTE } from './quote';

/** One message of the issue's conversation that the agent must see: answers, plan feedback, reviews. */
export interface ConversationEntry {
  kind: 'answer' | 'plan-feedback' | 'review' | 'instruction';
  author: string;
  /** The author has write access; what others write reaches the agent as quoted data. */
  trusted: boolean;
  body: string;
  at: string;
  /** Review comments on a line of the pull request. */
  path?: string;
  line?: number;
}

/** The issue as it reads on GitHub now (after edits): the agent sees it verbatim beside the parsed fields. */
export interface IssueText {
  title: string;
  body: string;
  author: string;
  /** Everyone who wrote the title and body has write access; absent reads as false. */
  authorTrusted?: boolean;
}

export interface PromptInput {
  issueNumber: number;
  repo: string;
  branch: string;
  issue: IssueText;
  task: ParsedTask;
  plan?: AgentPlan;
  conversation: ConversationEntry[];
  /** The tail of the last failing test run, when this round is a fix. */
  testFailure?: string;
  testCommand?: string;
  /** What failed in the PR's CI (the check, its output, the job's log tail), when this round fixes it. */
  ciFailure?: string;
  /** The base branch merged into the issue's branch with conflicts: the files that hold conflict markers. */
  conflict?: { baseBranch: string; files: string[] };
}

const PLAN_FORMAT = [
  'Answer with a JSON block: {"summary": string, "steps": string[], "complexity": "simple" | "complex",',
  '"estimate": string, "questions": string[]}. Ask questions only when the task cannot be done without the answer.',
].join(' ');

/** The parsed fields come from the issue and the answers: they are trusted only when all of those are. */
const taskTrusted = (input: PromptInput) => input.issue.authorTrusted === true && input.conversation.every((e) => e.kind !== 'answer' || e.trusted);

function taskSection(input: PromptInput): string[] {
  const { task, issue } = input;
  const trusted = taskTrusted(input);
  // An untrusted title never stands as prompt text: it is quoted with the issue below.
  const out = [`# Issue #${input.issueNumber} in ${input.repo}${issue.authorTrusted ? `: ${task.title}` : ''}`, ''];
  if (!issue.authorTrusted || input.conversation.some((e) => !e.trusted)) out.push(UNTRUSTED_NOTE, '');
  out.push(`Type: ${task.taskType}. Priority: ${task.priority}. Author: ${byline(task.author, issue.authorTrusted)}.`, '');
  const field = (heading: string, text: string) => out.push(`## ${heading}${trusted ? '' : ` (${UNTRUSTED_MARK})`}`, ...(trusted ? [text] : fenced(text)), '');
  field('Description', task.description || '(none)');
  if (task.acceptanceCriteria.length) field('Acceptance criteria', task.acceptanceCriteria.map((c) => `- ${c}`).join('\n'));
  if (task.relevantFiles.length) field('Relevant files', task.relevantFiles.map((f) => `- ${f}`).join('\n'));
  if (task.context) field('Context', task.context);
  // Verbatim, because the fields above keep only what the parser understood (a note beside a path, say).
  out.push(`## The issue as written by ${byline(issue.author, issue.authorTrusted)}, verbatim`, 'Title:', ...fenced(issue.title), 'Body:', ...fenced(issue.body), '');
  return out;
}

function conversationSection(entries: ConversationEntry[], heading = 'Conversation so far (oldest first; later messages win)'): string[] {
  if (!entries.length) return [];
  const out = [`## ${heading}`];
  for (const e of entries) {
    const where = e.path ? ` on ${e.path}${e.line ? `:${e.line}` : ''}` : '';
    const body = e.body.trim();
    out.push(`### ${e.kind} from ${byline(e.author, e.trusted)}${where} at ${e.at}`, ...(e.trusted ? [body] : fenced(body)), '');
  }
  return out;
}

function planSection(plan: AgentPlan | undefined): string[] {
  if (!plan) return [];
  return ['## Agreed plan', plan.summary, ...plan.steps.map((s, i) => `${i + 1}. ${s}`), ''];
}

function conflictSection(conflict: NonNullable<PromptInput['conflict']>): string[] {
  return [
    `## \`${conflict.baseBranch}\` moved and conflicts with this branch: resolve the conflicts first`,
    `issueflow merged \`${conflict.baseBranch}\` into this branch; these files hold conflict markers (\`<<<<<<<\`, \`=======\`, \`>>>>>>>\`):`,
    ...conflict.files.map((f) => `- \`${f}\``),
    `Resolve every marker so that both this branch's change and \`${conflict.baseBranch}\`'s are kept; the merge is committed only without markers.`,
    '',
  ];
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

/** What this round must fix (the last test run, the PR's CI, the base's conflicts) and the job. */
function roundSections(input: PromptInput, job: string): string[] {
  const out: string[] = [];
  if (input.testFailure) out.push('## The tests failed after the last round; fix them', '```', input.testFailure.trim(), '```', '');
  // CI output is written by the repository's own jobs (whatever the PR runs): data, not instructions.
  if (input.ciFailure) out.push('## CI failed on this branch after the last push; fix it', ...fenced(input.ciFailure.trim()), '');
  if (input.conflict) out.push(...conflictSection(input.conflict));
  out.push(
    '## Your job',
    `${job} on branch \`${input.branch}\`. Keep the change focused; add or update tests.`,
    input.testCommand ? `The tests run with \`${input.testCommand}\`; make them pass.` : '',
    'Address every review comment and answer above. Do not commit; issueflow commits and pushes.',
  );
  return out;
}

const joined = (out: string[]) => out.filter((l, i, a) => !(l === '' && a[i - 1] === '')).join('\n');

/** The prompt of an implementation run: the issue, the plan, the whole conversation and the last test failure. */
export function buildImplementPrompt(input: PromptInput): string {
  return joined([...taskSection(input), ...planSection(input.plan), ...conversationSection(input.conversation), ...roundSections(input, 'Implement the issue')]);
}

/**
 * The prompt of a round that continues the session of the round before (which holds the issue, the plan and the
 * conversation up to entry `seen`): only what is new since, the conversation's new entries and what to fix now.
 */
export function buildResumePrompt(input: PromptInput, seen: number): string {
  const fresh = input.conversation.slice(seen);
  const out = [`# Issue #${input.issueNumber} in ${input.repo}: the next round, continuing your work above`, ''];
  if (!input.issue.authorTrusted || fresh.some((e) => !e.trusted)) out.push(UNTRUSTED_NOTE, '');
  out.push(...conversationSection(fresh, 'New in the conversation since your last round (oldest first; later messages win)'));
  return joined([...out, ...roundSections(input, 'Go on with the issue')]);
}
