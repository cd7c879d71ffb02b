import { patched } from '@temporalio/workflow';
import type { IssueWorkflowInput, IssueWorkflowResult } from '../../../../src/workflows/messages';
import { issueWorkflow as storyOfBuildA } from '../../../../src/workflows/issue-workflow';
import { createActivityProxies } from '../../../../src/workflows/issue/activities';
import { issueWorkflowId } from '../../../../src/domain/ids';
export { retentionWorkflow } from '../../../../src/workflows/retention-workflow';
export { candidateWorkflow } from '../../../../src/workflows/candidate-workflow';

/** The key of the comment only build B writes. */
export const BUILD_B_COMMENT = 'thanks-from-build-b';

/**
 * A test-only "next release" of the workflow bundle: build A's story, then a new step that a run
 * started on build A must take too once build B runs it, guarded by a patch as every change is.
 */
export async function issueWorkflow(input: IssueWorkflowInput): Promise<IssueWorkflowResult> {
  const result = await storyOfBuildA(input);
  if (patched('test-build-b-thanks')) {
    const ref = { owner: input.owner, repo: input.repo, issueNumber: input.issueNumber };
    await createActivityProxies().upsertComment({ ref, workflowId: issueWorkflowId(ref), key: BUILD_B_COMMENT, body: 'Thanks, from build B.' });
  }
  return result;
}
