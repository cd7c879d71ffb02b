// A stand-in `issueWorkflow` for the API tests: the real message names and status shape, no activities.
// The API is what is under test; the real workflow has its own tests.
import { CancellationScope, condition, isCancellation, setHandler, upsertSearchAttributes } from '@temporalio/workflow';
import { STATE_ATTR } from '../../../src/domain/search-attributes';
import type { IssueState } from '../../../src/domain/states';
import type { IssueStatus } from '../../../src/domain/status';
import type { ConversationEntry } from '../../../src/domain/prompt';
import { approveUpdate, commandSignal, conversationQuery, feedbackSignal, statusQuery, type IssueWorkflowInput } from '../../../src/workflows/messages';

export async function issueWorkflow(input: IssueWorkflowInput): Promise<IssueState> {
  const now = new Date().toISOString();
  const status: IssueStatus = {
    workflowId: `${input.owner}/${input.repo}#${input.issueNumber}`,
    repo: `${input.owner}/${input.repo}`,
    issueNumber: input.issueNumber,
    state: 'awaiting-approval',
    steps: [{ step: 'analyze', state: 'done', startedAt: now, endedAt: now }],
    attempts: {},
    costUsd: 0,
    startedAt: now,
    updatedAt: now,
  };
  const moveTo = (state: IssueState) => {
    status.state = state;
    status.updatedAt = new Date().toISOString();
    upsertSearchAttributes([{ key: STATE_ATTR, value: state }]);
  };
  moveTo('awaiting-approval');
  const conversation: ConversationEntry[] = [];
  setHandler(statusQuery, () => status);
  setHandler(conversationQuery, () => conversation);
  setHandler(feedbackSignal, ({ body, author, trusted }) => {
    conversation.push({ kind: 'answer', author, trusted: trusted === true, body, at: new Date().toISOString() });
    status.pendingQuestion = `answered: ${body}`;
    moveTo('analyzing');
  });
  setHandler(commandSignal, ({ command }) => {
    if (command === 'approve') moveTo('implementing');
    if (command === 'cancel') moveTo('cancelled');
  });
  // As the real workflow: the validator refuses an approval when no plan waits.
  setHandler(
    approveUpdate,
    (_args) => {
      moveTo('implementing');
      return { accepted: true, state: 'awaiting-approval' as const };
    },
    {
      validator: (_args) => {
        if (status.state !== 'awaiting-approval') throw new Error(`nothing to approve: the issue is ${status.state}`);
      },
    },
  );
  try {
    await condition(() => status.state === 'cancelled');
  } catch (error) {
    if (!isCancellation(error)) throw error;
    await CancellationScope.nonCancellable(async () => moveTo('cancelled'));
  }
  return status.state;
}
