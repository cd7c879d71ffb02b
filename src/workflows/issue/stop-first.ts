import { ActivityCancellationType, CancellationScope, patched } from '@temporalio/workflow';

/**
 * Guards the wait for a cancelled agent or test run to be dead before the clean-up (push, labels)
 * begins. Asked only when a cancellation arrives during such a run, so no other history records it;
 * histories from before it go on at once, as they did.
 */
export const STOP_FIRST_PATCH = 'cleanup-after-process-died';

/** The options of an activity run through `stopFirst`. */
export const STOP_FIRST_OPTIONS = { cancellationType: ActivityCancellationType.WAIT_CANCELLATION_COMPLETED } as const;

/**
 * Runs an activity that owns processes (the agent, the tests) so that a cancellation of the story
 * reaches it and the story goes on only once it has finished cancelling: its process group is dead
 * (the activity returns no earlier), so the clean-up never pushes a worktree that is still written to.
 * The activity is scheduled in a scope of its own, shielded from the story's cancellation and
 * cancelled here by hand: scheduled with WAIT_CANCELLATION_COMPLETED (`STOP_FIRST_OPTIONS`), it can
 * still be left behind at once when the history was recorded before the patch.
 */
export async function stopFirst<T>(run: () => Promise<T>): Promise<T> {
  const story = CancellationScope.current();
  // Already cancelled: nothing is scheduled, as before.
  if (story.consideredCancelled) return run();
  let own: CancellationScope | undefined;
  const running = CancellationScope.nonCancellable(() => {
    own = new CancellationScope();
    return own.run(run);
  });
  running.catch(() => undefined);
  try {
    return await Promise.race([running, story.cancelRequested]);
  } catch (err) {
    if (!story.consideredCancelled) throw err;
    own?.cancel();
    if (patched(STOP_FIRST_PATCH)) await running.catch(() => undefined);
    throw err;
  }
}
