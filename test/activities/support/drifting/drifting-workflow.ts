// A test-only workflow whose code "changes" between two workers: v1 and v2 schedule different activities after the
// first one, so a v2 worker that replays a v1 history meets a nondeterminism error, as a history split by a query did.
import { condition, defineSignal, proxyActivities, setHandler } from '@temporalio/workflow';

const acts = proxyActivities<{ step(name: string): Promise<string>; otherStep(name: string): Promise<string> }>({ startToCloseTimeout: '10s' });
export const goSignal = defineSignal('go');

async function drifting(v: 1 | 2): Promise<string[]> {
  let go = false;
  setHandler(goSignal, () => void (go = true));
  const done = [await acts.step('first'), v === 1 ? await acts.step('second') : await acts.otherStep('second')];
  await condition(() => go);
  done.push(await acts.step(`last-v${v}`));
  return done;
}

export const v1 = { driftingWorkflow: () => drifting(1) };
export const v2 = { driftingWorkflow: () => drifting(2) };
