import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { temporal } from '@temporalio/proto';
import { Worker } from '@temporalio/worker';
import { firstTaskThatDoesNotReplay, taskEvent, type WorkflowCode } from '../../src/activities/rewind';
import { taskCuts } from '../../src/domain/reset-point';
import { quietRuntime } from '../support/temporal';
import { HISTORIES_DIR, historyFromJson, workflowBundle } from '../workflows/support/harness';

// The rewind sweep's search on real issue-workflow histories (recorded by test/workflows): a cut after any task of a
// history that replays must replay too, else the sweep would rewind a healthy part; a changed command is found.
jest.setTimeout(180_000);

let code: WorkflowCode;
beforeAll(async () => {
  quietRuntime();
  code = { workflowBundle: await workflowBundle() };
});

function events(name: string): temporal.api.history.v1.IHistoryEvent[] {
  return historyFromJson(readFileSync(join(HISTORIES_DIR, `${name}.json`), 'utf8')).events ?? [];
}

// A plain happy path, one with a question and its answer (signals), one with child workflows, and the first run of a continue-as-new.
it.each(['happy-path-coalesced', 'question-answered', 'candidates-two', 'continue-as-new-first-run'])('every cut of %s replays', async (name) => {
  const all = events(name);
  const cuts = taskCuts(all.map(taskEvent));
  expect(cuts.length).toBeGreaterThanOrEqual(5);
  for (const cut of cuts) await Worker.runReplayHistory({ ...code }, { events: all.filter((e) => Number(e.eventId) < cut.endBefore) }, name);
  expect(await firstTaskThatDoesNotReplay(all, name, code)).toBeUndefined();
});

it('finds the task whose command was changed, in a real history', async () => {
  const all = events('happy-path-coalesced');
  const scheduled = all.filter((e) => e.activityTaskScheduledEventAttributes);
  // A command in the middle of the story, as if the worker that recorded it had given another.
  const changed = scheduled[Math.floor(scheduled.length / 2)];
  changed.activityTaskScheduledEventAttributes!.activityType = { name: 'anotherActivity' };
  // The task that gave it: the last completed before it (the test server's histories name the task's start instead).
  const giver = taskCuts(all.map(taskEvent)).filter((c) => c.completedId < Number(changed.eventId)).at(-1);
  expect(giver?.completedId).toBeGreaterThan(20);
  const cut = await firstTaskThatDoesNotReplay(all, 'happy-path-coalesced', code);
  expect(cut).toEqual(giver);
});
