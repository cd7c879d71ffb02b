import { analyze } from './analyze';
import { checks } from './checks';
import { complete } from './complete';
import type { Flow } from './flow';
import { implement } from './implement';
import { intake } from './intake';
import { listen } from './listen';
import type { Next, Phase } from './phases';
import { test } from './test';
import { update } from './update';

/** The step of phase `P`: it may go only where the phase graph (NEXT in phases.ts) lets it. */
export type Step<P extends Phase> = (flow: Flow) => Promise<Next<P>>;

/** Each phase's step; the compiler holds every step to the phase graph. */
export const STEPS: { [P in Phase]: Step<P> } = { intake, analyze, implement, test, complete, checks, listen, update };
