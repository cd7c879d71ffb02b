import { FAILURE_TYPES } from '../../domain/failure-types';
import { ApplicationFailure, CancellationScope, isCancellation } from '@temporalio/workflow';
import type { Flow } from './flow';
import type { Phase, PhaseResult } from './phases';

/**
 * Guards `/agent escalate`. Asked only when the command arrives, so no other history records it; a
 * history from before it (where the command was nobody's) goes on as it did, ignoring it.
 */
export const HAND_OVER_PATCH = 'agent-escalate-command';

/** The failure type an escalation by `/agent escalate` shows (status, comment). */
export const HANDED_OVER = FAILURE_TYPES.handedOver;

/**
 * `/agent escalate` by a maintainer: stops the running phase, which then escalates as a failed one
 * does. False when nothing is running that could be handed over (already escalated, ended, between phases).
 */
export function handOver(flow: Flow, author: string): boolean {
  const { state } = flow;
  if (state.current === 'escalated' || !state.stopPhase) return false;
  state.askHandOver(author);
  state.stopPhase();
  return true;
}

/**
 * Runs one phase in a scope of its own, so that `/agent escalate` can stop it without ending the story.
 * A phase stopped so (or finished while the command came) throws the escalation's failure instead;
 * the story's own cancellation passes through as ever.
 */
export async function runPhase(flow: Flow, phase: Phase, step: (flow: Flow) => Promise<PhaseResult>): Promise<PhaseResult> {
  const { state } = flow;
  const story = CancellationScope.current();
  const scope = new CancellationScope();
  state.stopPhase = () => scope.cancel();
  try {
    const next = await scope.run(() => step(flow));
    throwIfHandedOver(flow, story);
    return next;
  } catch (err) {
    if (isCancellation(err)) throwIfHandedOver(flow, story);
    throw err;
  } finally {
    state.stopPhase = undefined;
  }
}

function throwIfHandedOver(flow: Flow, story: CancellationScope): void {
  const { state } = flow;
  if (state.data.pending.handOverBy === undefined || story.consideredCancelled) return;
  const by = state.takeHandOver();
  throw ApplicationFailure.create({ message: `handed to a maintainer by @${by} (\`/agent escalate\`)`, type: HANDED_OVER, nonRetryable: true });
}
