import { ApplicationFailure, patched } from '@temporalio/workflow';
import { BUDGET_PATCH } from './budget-patch';
import { budgetQuestion, wouldCross } from '../../domain/budget';
import { FAILURE_TYPES } from '../../domain/failure-types';
import type { Flow } from './flow';
import { publish } from './publish';
import { askAndWait } from './waits';


/**
 * Before an agent run (every kind: plans, rounds, fixes, reviews, retries): when a run as large as the
 * largest so far could take the issue past its budget, it stops and asks (`agent:awaiting-feedback`)
 * until `/agent budget` raises it enough; no answer in `timeouts.feedbackHours` escalates (BudgetExceeded).
 */
export async function withinBudget(flow: Flow): Promise<void> {
  const { state } = flow;
  const crossing = () => wouldCross(state.data.status.budget, state.spend());
  if (!crossing() || !patched(BUDGET_PATCH)) return;
  const back = state.current;
  const n = state.attempt('budget');
  while (crossing()) {
    const question = budgetQuestion(state.spend(), { ...state.data.status.budget });
    state.atBudget = true;
    const outcome = await askAndWait(flow, { state: 'awaiting-feedback', key: `budget-${n}`, question, comment: question }).finally(() => (state.atBudget = false));
    if (outcome === 'timeout') throw ApplicationFailure.nonRetryable(`the budget is used up and nobody raised it: ${question}`, FAILURE_TYPES.budgetExceeded);
  }
  state.enter(back, 'budget raised');
  await publish(flow);
}
