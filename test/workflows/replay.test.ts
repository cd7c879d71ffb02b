import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { DefaultLogger, Runtime, Worker } from '@temporalio/worker';
import { HISTORIES_DIR, historyFromJson, WORKFLOWS_PATH } from './support/harness';

// Histories recorded from the time-skipping scenarios (`RECORD_HISTORIES=1 npx jest test/workflows`).
// Replaying them against today's code catches a change that would break running workflows.
const files = readdirSync(HISTORIES_DIR).filter((f) => f.endsWith('.json')).sort();

beforeAll(() => {
  Runtime.install({ logger: new DefaultLogger('ERROR') });
});

test('the recorded scenarios are all there', () => {
  expect(files).toEqual(
    expect.arrayContaining(['happy-path.json', 'review-round.json', 'question-answered.json', 'stale.json', 'plan-approval.json', 'fix-loop-escalate-retry.json', 'github-retries-escalate.json', 'cancel-command.json', 'continue-as-new-first-run.json', 'untrusted-edit-reapproval.json', 'ci-red-green.json', 'ci-escalate-retry-ci.json', 'host-lost-round-moves.json', 'cancel-waits-for-agent.json', 'paused-round.json', 'escalate-command.json', 'happy-path-coalesced.json', 'budget-raised.json', 'fix-loop-resumed.json', 'candidates-two.json', 'candidates-ci.json', 'happy-path-first-status-here.json']),
  );
});

test('every recorded history replays without a determinism violation', async () => {
  const histories = files.map((f) => ({ workflowId: f.replace(/\.json$/, ''), history: historyFromJson(readFileSync(join(HISTORIES_DIR, f), 'utf8')) }));
  const failures: string[] = [];
  let replayed = 0;
  for await (const result of Worker.runReplayHistories({ workflowsPath: WORKFLOWS_PATH }, histories)) {
    replayed++;
    if (result.error) failures.push(`${result.workflowId}: ${result.error.name}: ${result.error.message}`);
  }
  expect(replayed).toBe(files.length);
  expect(failures).toEqual([]);
}, 120_000);
