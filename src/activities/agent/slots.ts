import { ApplicationFailure, CancelledFailure, Context } from '@temporalio/activity';
import { AGENT_SLOT_WAIT_MS } from '../../domain/host-queues';
import { FAILURE_TYPES, type AgentActivities } from '../types';

/** How often a run waiting for a slot heartbeats: its host is alive, only busy. */
const WAIT_HEARTBEAT_MS = 5_000;

/**
 * At most `concurrency` agent runs of this worker process at once, across its agent queues. A run on the
 * host's own queue starts at once and waits here for a slot, heartbeating, so a busy host is never taken
 * for a dead one (which does not start the run, or stops heartbeating); after AGENT_SLOT_WAIT_MS it fails
 * with HostBusy and the workflow moves the round to another host.
 */
export function withAgentSlots(agents: AgentActivities, concurrency: number): AgentActivities {
  let running = 0;
  const waiting: Array<() => void> = [];
  const release = () => {
    running--;
    waiting.shift()?.();
  };
  const acquire = async (): Promise<void> => {
    if (running < concurrency) {
      running++;
      return;
    }
    const ctx = Context.current();
    let wake!: () => void;
    const turn = new Promise<void>((resolve) => (wake = resolve));
    const entry = () => {
      running++;
      wake();
    };
    waiting.push(entry);
    const beat = setInterval(() => ctx.heartbeat({ waitingForSlot: true }), WAIT_HEARTBEAT_MS);
    let limit: NodeJS.Timeout | undefined;
    try {
      const outcome = await Promise.race([
        turn.then(() => 'slot' as const),
        ctx.cancelled.catch(() => 'cancelled' as const),
        new Promise<'busy'>((resolve) => (limit = setTimeout(() => resolve('busy'), AGENT_SLOT_WAIT_MS))),
      ]);
      if (outcome === 'slot') return;
      const i = waiting.indexOf(entry);
      if (i >= 0) waiting.splice(i, 1);
      else release(); // the slot came together with the time-out: hand it on
      if (outcome === 'cancelled') throw new CancelledFailure('cancelled while waiting for an agent slot');
      throw ApplicationFailure.nonRetryable(`all ${concurrency} agent slots of this worker stayed busy for ${AGENT_SLOT_WAIT_MS / 60_000} min`, FAILURE_TYPES.hostBusy);
    } finally {
      clearInterval(beat);
      clearTimeout(limit);
    }
  };
  return {
    runAgent: async (input) => {
      await acquire();
      try {
        return await agents.runAgent(input);
      } finally {
        release();
      }
    },
  };
}
