import { candidateAgents, candidateCiStep, candidateLines, parseRunArgs, pickWinner, type CandidateOutcome } from '../../src/domain/candidates';
import type { CheckInfo } from '../../src/domain/ci';
import { candidateBranch, candidateWorkflowId, issueNumberOfBranch } from '../../src/domain/ids';
import { validateRepoConfig } from '../../src/domain/repo-config';

const outcome = (index: number, state: CandidateOutcome['state'], linesChanged?: number, finished?: number): CandidateOutcome => ({ index, state, linesChanged, finished, costUsd: 0.5, durationMs: 1000, agent: 'claude-code' });

test('the agents of the candidates: a count, one per listed agent, or both taking turns; fewer than two is none', () => {
  expect(candidateAgents({ candidates: 2, agent: 'codex' })).toEqual(['codex', 'codex']);
  expect(candidateAgents({ agents: ['claude-code', 'codex'] })).toEqual(['claude-code', 'codex']);
  expect(candidateAgents({ candidates: 3, agents: ['claude-code', 'codex'] })).toEqual(['claude-code', 'codex', 'claude-code']);
  expect(candidateAgents({ candidates: 2 }, 3)).toEqual([undefined, undefined, undefined]);
  expect(candidateAgents({ candidates: 3 }, 1)).toEqual([]);
  expect(candidateAgents({})).toEqual([]);
  expect(candidateAgents({ agents: ['codex'] })).toEqual([]);
});

test('`/agent run --candidates N` reads N from 1 to 5 and nothing else', () => {
  expect(parseRunArgs('--candidates 3')).toEqual({ candidates: 3 });
  expect(parseRunArgs('--candidates=2')).toEqual({ candidates: 2 });
  expect(parseRunArgs('')).toEqual({});
  expect(parseRunArgs('--candidates 9')).toEqual({});
  expect(parseRunArgs('--candidates x')).toEqual({});
});

test('the winner: smallest diff among the passing (a tie to the first finished), or the first to pass; none when none passed', () => {
  const list = [outcome(1, 'passed', 40, 1), outcome(2, 'passed', 12, 2), outcome(3, 'failed', 2, 3)];
  expect(pickWinner(list, 'smallest-diff')).toEqual({ winner: 2, why: 'tests passed, smallest diff (12 lines vs 40)' });
  expect(pickWinner(list, 'first-passing')).toEqual({ winner: 1, why: 'tests passed first' });
  expect(pickWinner([outcome(1, 'passed', 5, 2), outcome(2, 'passed', 5, 1)], 'smallest-diff').winner).toBe(2);
  expect(pickWinner([outcome(1, 'failed', 3, 1), outcome(2, 'passed', 9, 2)], 'smallest-diff').why).toBe('tests passed, smallest diff (9 lines), the only one whose tests passed');
  const none = pickWinner([{ ...outcome(1, 'failed'), why: 'tests still fail' }, outcome(2, 'cancelled')], 'smallest-diff');
  expect(none).toEqual({ why: 'no candidate passed its tests (candidate 1: tests still fail; candidate 2: cancelled)' });
});

test('a candidate whose tests passed, by its CI: green, none and not done in time pass and say so; red goes to a fix round while attempts are left, then fails naming the checks', () => {
  const lint: CheckInfo = { name: 'lint', state: 'failure', source: 'check-run' };
  const build: CheckInfo = { name: 'build', state: 'failure', source: 'status' };
  expect(candidateCiStep({ kind: 'green' }, 0, 2)).toEqual({ passed: true, ci: 'green', why: 'tests and CI passed' });
  expect(candidateCiStep({ kind: 'none' }, 0, 2)).toEqual({ passed: true, ci: 'none', why: 'tests passed, no CI checks reported' });
  expect(candidateCiStep({ kind: 'pending' }, 1, 2)).toEqual({ passed: true, ci: 'timed-out', why: 'tests passed, CI not done in time' });
  expect(candidateCiStep({ kind: 'red', failed: [lint] }, 1, 2)).toEqual({ fix: [lint] });
  expect(candidateCiStep({ kind: 'red', failed: [lint, build] }, 2, 2)).toEqual({ passed: false, ci: 'red', why: 'CI red: lint, build after 2 fix attempts' });
  expect(candidateCiStep({ kind: 'red', failed: [lint] }, 0, 0)).toEqual({ passed: false, ci: 'red', why: 'CI red: lint' });
  expect(candidateCiStep({ kind: 'red', failed: [lint] }, 1, 1)).toEqual({ passed: false, ci: 'red', why: 'CI red: lint after 1 fix attempt' });
});

test('with CI, the winner and the status lines say what passed: tests and CI, or tests without checks', () => {
  const list: CandidateOutcome[] = [
    { ...outcome(1, 'failed', 3, 1), ci: 'red', why: 'CI red: lint after 2 fix attempts' },
    { ...outcome(2, 'passed', 12, 2), ci: 'green' },
    { ...outcome(3, 'passed', 30, 3), ci: 'none' },
  ];
  expect(pickWinner(list, 'smallest-diff')).toEqual({ winner: 2, why: 'tests and CI passed, smallest diff (12 lines vs 30)' });
  expect(pickWinner(list.slice(0, 2), 'smallest-diff').why).toBe('tests and CI passed, smallest diff (12 lines), the only one whose tests and CI passed');
  expect(pickWinner([list[2]], 'first-passing')).toEqual({ winner: 3, why: 'tests passed (no CI checks) first' });
  expect(candidateLines({ list, winner: 2, why: 'w' })).toEqual([
    '**Candidates:**',
    '- ❌ candidate 1: claude-code, failed, 3 lines, $0.50 (CI red: lint after 2 fix attempts)',
    '- ✅ candidate 2: claude-code, tests and CI passed, 12 lines, $0.50',
    '- ✅ candidate 3: claude-code, tests passed (no CI checks), 30 lines, $0.50',
    '**winner: candidate 2 — w**',
  ]);
  expect(candidateLines({ list: [{ ...outcome(1, 'passed', 4), ci: 'timed-out' }], why: '' })[1]).toBe('- ✅ candidate 1: claude-code, tests passed (CI not done in time), 4 lines, $0.50');
});

test('the status lines name each candidate and why the winner won', () => {
  const lines = candidateLines({ list: [{ ...outcome(1, 'failed', 40), why: 'exit code 1' }, outcome(2, 'passed', 12)], winner: 2, why: 'tests passed, smallest diff (12 lines vs 40)' });
  expect(lines).toEqual([
    '**Candidates:**',
    '- ❌ candidate 1: claude-code, failed, 40 lines, $0.50 (exit code 1)',
    '- ✅ candidate 2: claude-code, tests passed, 12 lines, $0.50',
    '**winner: candidate 2 — tests passed, smallest diff (12 lines vs 40)**',
  ]);
});

test('candidate branches and workflow ids; a candidate branch is not read as the issue branch', () => {
  expect(candidateBranch(7, 2)).toBe('issueflow/issue-7-candidate-2');
  expect(candidateWorkflowId('acme/app#7', 2)).toBe('acme/app#7/candidate-2');
  expect(issueNumberOfBranch(candidateBranch(7, 2))).toBeUndefined();
});

test('the repo config takes candidates, agents and the rule, within bounds', () => {
  expect(validateRepoConfig({ candidates: 2, agents: ['claude-code', 'codex'], candidateRule: 'first-passing' })).toMatchObject({ config: { candidates: 2, agents: ['claude-code', 'codex'], candidateRule: 'first-passing' }, problems: [] });
  expect(validateRepoConfig({ candidates: 9 }).problems).toHaveLength(1);
  expect(validateRepoConfig({ agents: ['gpt'] }).problems).toHaveLength(1);
  expect(validateRepoConfig({ candidateRule: 'cheapest' }).problems).toHaveLength(1);
});
