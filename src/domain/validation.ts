import type { ParsedTask } from './issue-parser';

/** Limits on what one issue may ask for; bigger tasks should be split into several issues. */
export const TASK_LIMITS = { maxTextLength: 20_000, maxRelevantFiles: 25, maxAcceptanceCriteria: 15, minDescriptionWords: 3, maxGarbledShare: 0.1 };

/**
 * The share of characters that are not text: U+FFFD (bytes that were not UTF-8) and control characters
 * other than tab and line breaks. Random bytes score about half; real issues, emoji and all, zero.
 */
export function garbledShare(text: string): number {
  let bad = 0;
  let total = 0;
  for (const ch of text) {
    total++;
    const c = ch.codePointAt(0)!;
    if (c === 0xfffd || (c < 0x20 && c !== 0x09 && c !== 0x0a && c !== 0x0d) || c === 0x7f) bad++;
  }
  return total ? bad / total : 0;
}

export interface ValidationProblem {
  field: 'title' | 'description' | 'acceptanceCriteria' | 'relevantFiles' | 'size';
  message: string;
}

export interface ValidationResult {
  ok: boolean;
  problems: ValidationProblem[];
}

/**
 * Checks a parsed task: required fields, files that must exist (`missingFiles` comes from the
 * repository), and size. Each problem says what to add or change, for the question comment.
 */
export function validateTask(task: ParsedTask, missingFiles: string[] = []): ValidationResult {
  const problems: ValidationProblem[] = [];
  if (!task.title) problems.push({ field: 'title', message: 'The issue has no title: give it a short one that names the change.' });
  const words = task.description.split(/\s+/).filter(Boolean).length;
  if (words < TASK_LIMITS.minDescriptionWords) {
    problems.push({ field: 'description', message: 'The **description** is missing or too short: describe what should change and why.' });
  } else if (garbledShare(task.description) > TASK_LIMITS.maxGarbledShare) {
    problems.push({ field: 'description', message: 'The **description** is not readable text (it looks like binary data or a broken encoding): describe what should change and why in plain words.' });
  }
  if (task.fromForm && task.acceptanceCriteria.length === 0) {
    problems.push({ field: 'acceptanceCriteria', message: 'The **acceptance criteria** are missing: list how we know the task is done, one per line.' });
  }
  if (missingFiles.length > 0) {
    const list = missingFiles.map((f) => `\`${f}\``).join(', ');
    problems.push({ field: 'relevantFiles', message: `These **relevant files** do not exist on the default branch: ${list}. Correct the paths or remove them.` });
  }
  const tooBig: string[] = [];
  if (task.textLength > TASK_LIMITS.maxTextLength) tooBig.push(`${task.textLength} characters of text (limit ${TASK_LIMITS.maxTextLength})`);
  if (task.relevantFiles.length > TASK_LIMITS.maxRelevantFiles) tooBig.push(`${task.relevantFiles.length} relevant files (limit ${TASK_LIMITS.maxRelevantFiles})`);
  if (task.acceptanceCriteria.length > TASK_LIMITS.maxAcceptanceCriteria) {
    tooBig.push(`${task.acceptanceCriteria.length} acceptance criteria (limit ${TASK_LIMITS.maxAcceptanceCriteria})`);
  }
  if (tooBig.length) problems.push({ field: 'size', message: `The task is too large for one run (${tooBig.join(', ')}): split it into smaller issues.` });
  return { ok: problems.length === 0, problems };
}

/** The comment that asks for what is missing; replies (or an edit of the issue) continue the work. */
export function validationQuestion(result: ValidationResult, feedbackHours: number): string {
  return [
    'Before I can start, this issue needs a few things:',
    '',
    ...result.problems.map((p) => `- ${p.message}`),
    '',
    `Reply in a comment or edit the issue; I will check again. Without an answer in ${feedbackHours} h this issue is marked stale.`,
  ].join('\n');
}
