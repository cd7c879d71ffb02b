import { log } from '@temporalio/workflow';
import { describeFailure } from './describe-failure';

/** Runs a GitHub write that must not stop the story (reporting a failure when GitHub itself fails). */
export async function bestEffort(what: string, fn: () => Promise<unknown>): Promise<void> {
  try {
    await fn();
  } catch (err) {
    log.warn(`issueflow could not ${what}`, { error: describeFailure(err).message });
  }
}
