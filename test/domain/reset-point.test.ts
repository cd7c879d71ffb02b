import { failsOnNondeterminism, firstDivergentTask, resetsSoFar, taskCuts, type TaskEvent } from '../../src/domain/reset-point';

// Started(1) Scheduled(2) Started(3) Completed(4) ActivityScheduled(5) ... Scheduled(8) Started(9) Completed(10) ...
const started = (id: number): TaskEvent => ({ id, kind: 'task-started' });
const completed = (id: number): TaskEvent => ({ id, kind: 'task-completed' });
const other = (id: number): TaskEvent => ({ id, kind: 'other' });
const failed = (id: number, cause: TaskEvent['cause']): TaskEvent => ({ id, kind: 'task-failed', cause });

const history: TaskEvent[] = [other(1), other(2), started(3), completed(4), other(5), other(6), other(7), other(8), started(9), completed(10), other(11), other(12), started(13), completed(14), other(15), other(16), started(17), failed(18, 'nondeterminism'), other(19), started(20)];

describe('taskCuts', () => {
  it('cuts each completed task before the next task starts, the last at the end of the history', () => {
    expect(taskCuts(history)).toEqual([
      { completedId: 4, endBefore: 9 },
      { completedId: 10, endBefore: 13 },
      { completedId: 14, endBefore: 17 },
    ]);
    expect(taskCuts([other(1), other(2), started(3), completed(4), other(5)])).toEqual([{ completedId: 4, endBefore: 6 }]);
    expect(taskCuts([other(1), other(2), started(3)])).toEqual([]);
  });
});

describe('failsOnNondeterminism', () => {
  it('looks at the newest task failure since the last completed task', () => {
    expect(failsOnNondeterminism(history)).toBe(true);
    expect(failsOnNondeterminism([...history.slice(0, 17), failed(18, 'other'), other(19), started(20)])).toBe(false);
    // A failure followed by a completed task is over.
    expect(failsOnNondeterminism([...history, completed(21)])).toBe(false);
    expect(failsOnNondeterminism(history.slice(0, 16))).toBe(false);
  });
});

describe('resetsSoFar', () => {
  it('counts the tasks failed by a reset', () => {
    expect(resetsSoFar(history)).toBe(0);
    expect(resetsSoFar([failed(5, 'reset'), failed(9, 'nondeterminism'), failed(12, 'reset')])).toBe(2);
  });
});

describe('firstDivergentTask', () => {
  const cuts = Array.from({ length: 9 }, (_, i) => ({ completedId: 10 * (i + 1), endBefore: 10 * (i + 1) + 5 }));
  it.each([0, 1, 4, 7, 8])('finds the first of the cuts that no longer replay (first bad: %i), asking about log2(n) of them', async (bad) => {
    const asked: number[] = [];
    const cut = await firstDivergentTask(cuts, async (c) => (asked.push(c.completedId), c.completedId < cuts[bad].completedId));
    expect(cut).toEqual(cuts[bad]);
    expect(asked.length).toBeLessThanOrEqual(5);
  });
  it('finds none when the whole history replays, or there is no task', async () => {
    expect(await firstDivergentTask(cuts, async () => true)).toBeUndefined();
    expect(await firstDivergentTask([], async () => false)).toBeUndefined();
  });
});
