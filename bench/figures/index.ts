import type { FigureModule } from '../figure';
import * as issueFlow from './issue-flow';
import * as start from './start';
import * as waiting from './waiting';
import * as webhooks from './webhooks';

/** Every figure module `npm run bench` runs, in this order, by the name `--only` takes. */
export const FIGURE_MODULES: Record<string, FigureModule> = {
  webhooks,
  start,
  'issue-flow': issueFlow,
  waiting,
};
