import { patched } from '@temporalio/workflow';
import type { Flow } from './flow';
import { publish } from './publish';

/** Guards the wait for the PR's CI, so that histories recorded before it still replay. */
export const CI_PATCH = 'ci-wait';

/**
 * Whether this round waits for the PR's CI: only when the repo's config has `ci` (with `wait`). Asked only
 * then, so a story without CI records no patch marker and no step more than before.
 */
export function waitsForCi(flow: Flow): boolean {
  return flow.state.data.config.ci?.wait === true && patched(CI_PATCH);
}

/** The PR is pushed: show the checks of its head (none yet) and wait for them. */
export async function startCiWait(flow: Flow): Promise<'checks'> {
  const { state } = flow;
  const { data } = state;
  state.enter('checking', `PR #${data.status.pullRequest?.number ?? '?'}`);
  state.showChecks({ sha: data.ci?.head ?? '', items: [], ignored: [...(data.config.ci?.ignore ?? [])] });
  await publish(flow);
  return 'checks';
}
