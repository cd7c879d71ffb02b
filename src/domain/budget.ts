/** An issue's budget: the most its agent runs may cost (USD) and take (minutes) together; an absent limit is no limit. */
export interface Budget {
  usd?: number;
  agentMinutes?: number;
}

/** What an issue's agent runs have used so far, and the largest single run (the guess at the next one). */
export interface Spend {
  usd: number;
  agentMs: number;
  largestUsd: number;
  largestMs: number;
}

const MINUTE = 60_000;
/** Money in ten-thousandths of a dollar, so that $0.40 five times is $2 and not a cent's rounding over it. */
const units = (usd: number) => Math.round(usd * 10_000);

/** Whether a run as large as the largest so far could take the issue past its budget: then it stops and asks. */
export function wouldCross(budget: Budget | undefined, spend: Spend): boolean {
  if (!budget) return false;
  const money = budget.usd !== undefined && units(spend.usd + spend.largestUsd) > units(budget.usd);
  const time = budget.agentMinutes !== undefined && spend.agentMs + spend.largestMs > budget.agentMinutes * MINUTE;
  return money || time;
}

/**
 * The arguments of `/agent budget`: `10`, `$10`, `10 minutes=200`, `minutes=200`. Undefined when they
 * name no positive amount or hold anything else, so a typo is refused, not read as a smaller budget.
 */
export function parseBudgetArgs(args: string): Budget | undefined {
  const raised: Budget = {};
  for (const word of args.trim().split(/\s+/).filter(Boolean)) {
    const minutes = /^(?:minutes|agentMinutes)=(\d+(?:\.\d+)?)$/i.exec(word);
    const usd = /^\$?(\d+(?:\.\d+)?)$/.exec(word);
    if (minutes && raised.agentMinutes === undefined) raised.agentMinutes = Number(minutes[1]);
    else if (usd && raised.usd === undefined) raised.usd = Number(usd[1]);
    else return undefined;
  }
  const values = [raised.usd, raised.agentMinutes].filter((v) => v !== undefined);
  return values.length && values.every((v) => v > 0) ? raised : undefined;
}

const dollars = (usd: number) => `$${usd.toFixed(2)}`;
const minutes = (ms: number) => `${Math.round(ms / MINUTE)} min`;

/** `$0.80 of $1.00 ($0.20 left) · agent time 12 min of 120 min`, or just what was spent without a budget. */
export function spentLine(spent: { usd: number; agentMs: number }, budget: Budget | undefined): string {
  const parts = [budget?.usd !== undefined ? `${dollars(spent.usd)} of ${dollars(budget.usd)} (${dollars(Math.max(0, budget.usd - spent.usd))} left)` : dollars(spent.usd)];
  if (budget?.agentMinutes !== undefined) parts.push(`agent time ${minutes(spent.agentMs)} of ${budget.agentMinutes} min`);
  return parts.join(' · ');
}

/** The comment that stops a run at the budget: what was used, and how to go on. */
export function budgetQuestion(spent: { usd: number; agentMs: number }, budget: Budget): string {
  const more = budget.usd !== undefined ? Math.max(Math.ceil(budget.usd * 2), 1) : undefined;
  const example = more !== undefined ? `/agent budget ${more}` : `/agent budget minutes=${Math.ceil((budget.agentMinutes ?? 60) * 2)}`;
  return `This issue has used ${spentLine(spent, budget)}; the next agent run could go over it. \`${example}\` to go on (\`minutes=N\` raises the agent time).`;
}
