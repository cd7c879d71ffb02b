import { commandHelp } from '../../domain/commands';
import { parseIssue } from '../../domain/issue-parser';
import { validateTask, validationQuestion } from '../../domain/validation';
import type { Flow } from './flow';
import type { Next } from './phases';
import { summary } from './publish';
import { askAndWait } from './waits';

/**
 * Parse and validate, asking for what is missing until the task is complete. Answers and edits
 * re-run both; no answer within `timeouts.feedbackHours` ends the issue as stale.
 */
export async function intake(flow: Flow): Promise<Next<'intake'>> {
  const { state } = flow;
  const { data } = state;
  if (!data.issue.title && !data.issue.body) {
    const issue = await flow.acts.getIssue.executeWithOptions({ summary: summary(flow, 'read the issue') }, [state.ref]);
    state.recordIssue({ title: issue.title, body: issue.body, labels: issue.labels, author: issue.author, authorTrusted: issue.authorTrusted });
  }
  for (;;) {
    state.enter('parsing');
    const task = parseIssue({ ...data.issue, labels: [...data.issue.labels], answers: state.answers() });
    state.enter('validating');
    const missing = task.relevantFiles.length
      ? await flow.acts.findMissingFiles.executeWithOptions({ summary: summary(flow, `check ${task.relevantFiles.length} files exist`) }, [
          { owner: state.ref.owner, repo: state.ref.repo },
          task.relevantFiles,
        ])
      : [];
    const result = validateTask(task, missing);
    if (result.ok) {
      state.recordTask(task);
      state.note(`${task.taskType}, ${task.acceptanceCriteria.length} criteria, ${task.relevantFiles.length} files`);
      return 'analyze';
    }
    const n = state.countRound('questions');
    const outcome = await askAndWait(flow, {
      state: 'awaiting-feedback',
      key: `question-${n}`,
      question: result.problems.map((p) => p.message).join('\n'),
      comment: `${validationQuestion(result, data.config.timeouts.feedbackHours)}\n\n<details><summary>Commands</summary>\n\n${commandHelp()}\n</details>`,
    });
    if (outcome === 'timeout') return { end: 'stale' };
  }
}
