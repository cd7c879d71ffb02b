import { FAILURE_TYPES } from '../../domain/failure-types';
import { isCancellation, sleep } from '@temporalio/workflow';
import { bestEffort } from './best-effort';
import { describeFailure } from './describe-failure';
import type { Flow } from './flow';
import { summary, updateStatusComment } from './publish';

/** FAILURE_TYPES.agentPaused (workflows see the activities' module only as types). */
const AGENT_PAUSED = FAILURE_TYPES.agentPaused;

/** The first look at the switch after a refusal, and the longest wait between two looks. */
const FIRST_LOOK_MS = 15_000;
const LONGEST_WAIT_MS = 5 * 60_000;

/**
 * Runs an agent round, holding it while the operator's pause switch is on: the agent activity refuses
 * to start while paused (AgentPaused), and the round waits here, in durable timers, for as long as the
 * pause lasts (every wait longer, up to 5 minutes), then runs. Nothing escalates; a cancellation ends
 * the wait. Without a pause this adds nothing to the history.
 */
export async function unlessPaused<T>(flow: Flow, run: () => Promise<T>): Promise<T> {
  let wait = FIRST_LOOK_MS;
  for (let held = 0; ; held++) {
    try {
      return await run();
    } catch (err) {
      if (isCancellation(err) || describeFailure(err).type !== AGENT_PAUSED) throw err;
    }
    if (held === 0) {
      flow.state.note('held: agent runs are paused (POST /admin/resume)');
      await bestEffort('show the pause', () => updateStatusComment(flow));
    }
    await sleep(wait, { summary: summary(flow, 'agent runs are paused: wait, then ask again') });
    wait = Math.min(wait * 2, LONGEST_WAIT_MS);
  }
}
