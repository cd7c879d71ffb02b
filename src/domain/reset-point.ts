/**
 * Where to rewind a workflow whose history its own code no longer replays (a nondeterminism error, TMPRL1100): to
 * the workflow task that first gave commands the code does not give again. Pure: the history comes in as its
 * workflow-task events, the replay as a function.
 */

/** What the choice needs of a history event. */
export interface TaskEvent {
  id: number;
  kind: 'task-started' | 'task-completed' | 'task-failed' | 'other';
  /** For a failed task: whether it failed on nondeterminism, or was failed by a reset. */
  cause?: 'nondeterminism' | 'reset' | 'other';
}

/** A completed workflow task: its WorkflowTaskCompleted event, and the end of the history that shows its commands. */
export interface TaskCut {
  /** The WorkflowTaskCompleted event: a reset to it makes the workflow decide that task again. */
  completedId: number;
  /** Events with ids below this hold the task's commands and nothing of the next task (the next WorkflowTaskStarted, or the end). */
  endBefore: number;
}

/** Every completed workflow task of a history, in order. */
export function taskCuts(events: readonly TaskEvent[]): TaskCut[] {
  const cuts: TaskCut[] = [];
  let open: number | undefined;
  for (const e of events) {
    if (e.kind === 'task-started' && open !== undefined) {
      cuts.push({ completedId: open, endBefore: e.id });
      open = undefined;
    }
    if (e.kind === 'task-completed') open = e.id;
  }
  if (open !== undefined) cuts.push({ completedId: open, endBefore: (events.at(-1)?.id ?? open) + 1 });
  return cuts;
}

/** Whether the history's newest workflow task failure is a nondeterminism error (a task failing on anything else is left alone). */
export function failsOnNondeterminism(events: readonly TaskEvent[]): boolean {
  for (let i = events.length - 1; i >= 0; i--) {
    const e = events[i];
    if (e.kind === 'task-completed') return false;
    if (e.kind === 'task-failed') return e.cause === 'nondeterminism';
  }
  return false;
}

/** How often the workflow was already rewound by a reset (each reset leaves a task failed with cause reset). */
export function resetsSoFar(events: readonly TaskEvent[]): number {
  return events.filter((e) => e.kind === 'task-failed' && e.cause === 'reset').length;
}

/**
 * The first task whose commands do not replay, found by halving: `replays(cut)` says whether the history up to
 * `cut.endBefore` replays (a longer one cannot replay if a shorter one does not). Undefined when every task replays.
 */
export async function firstDivergentTask(cuts: readonly TaskCut[], replays: (cut: TaskCut) => Promise<boolean>): Promise<TaskCut | undefined> {
  if (!cuts.length || (await replays(cuts[cuts.length - 1]))) return undefined;
  // cuts[hi] does not replay; every cut before lo does.
  let lo = 0;
  let hi = cuts.length - 1;
  while (lo < hi) {
    const mid = Math.floor((lo + hi) / 2);
    if (await replays(cuts[mid])) lo = mid + 1;
    else hi = mid;
  }
  return cuts[hi];
}
