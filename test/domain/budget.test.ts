import { budgetQuestion, parseBudgetArgs, spentLine, wouldCross } from '../../src/domain/budget';
import { parseComment } from '../../src/domain/commands';

const spend = (usd: number, largestUsd: number, agentMs = 0, largestMs = 0) => ({ usd, agentMs, largestUsd, largestMs });

describe('budget', () => {
  test('a run as large as the largest so far that would go over the budget crosses it; one that lands on it does not', () => {
    expect(wouldCross({ usd: 1 }, spend(0.8, 0.4))).toBe(true);
    expect(wouldCross({ usd: 2 }, spend(1.6, 0.4))).toBe(false); // $2.00 exactly, not a float's rounding over it
    expect(wouldCross({ usd: 1 }, spend(0, 0))).toBe(false);
    expect(wouldCross({ agentMinutes: 3 }, spend(9, 9, 180_000, 60_000))).toBe(true);
    expect(wouldCross({ agentMinutes: 3 }, spend(9, 9, 120_000, 60_000))).toBe(false);
    expect(wouldCross(undefined, spend(100, 100))).toBe(false);
    expect(wouldCross({}, spend(100, 100))).toBe(false);
  });

  test('`/agent budget` takes dollars and minutes=N; anything else is refused', () => {
    expect(parseComment('/agent budget 10 minutes=200')).toEqual({ kind: 'command', command: 'budget', args: '10 minutes=200' });
    expect(parseBudgetArgs('10')).toEqual({ usd: 10 });
    expect(parseBudgetArgs('$2.50')).toEqual({ usd: 2.5 });
    expect(parseBudgetArgs('10 minutes=200')).toEqual({ usd: 10, agentMinutes: 200 });
    expect(parseBudgetArgs('minutes=90')).toEqual({ agentMinutes: 90 });
    for (const bad of ['', 'lots', '10 20', '0', '-5', '10 hours=2', 'minutes=0']) expect(parseBudgetArgs(bad)).toBeUndefined();
  });

  test('the status line shows what was spent and what is left; the question says how to go on', () => {
    expect(spentLine({ usd: 0.8, agentMs: 0 }, undefined)).toBe('$0.80');
    expect(spentLine({ usd: 4.2, agentMs: 720_000 }, { usd: 5, agentMinutes: 120 })).toBe('$4.20 of $5.00 ($0.80 left) · agent time 12 min of 120 min');
    expect(spentLine({ usd: 5.5, agentMs: 0 }, { usd: 5 })).toBe('$5.50 of $5.00 ($0.00 left)');
    expect(budgetQuestion({ usd: 4.2, agentMs: 0 }, { usd: 5 })).toContain('This issue has used $4.20 of $5.00 ($0.80 left)');
    expect(budgetQuestion({ usd: 4.2, agentMs: 0 }, { usd: 5 })).toContain('`/agent budget 10`');
    expect(budgetQuestion({ usd: 0, agentMs: 3_600_000 }, { agentMinutes: 60 })).toContain('`/agent budget minutes=120`');
  });
});
