import type { IssueStatus } from '../../src/domain/status';
import { formatDuration, progressBar, renderStatusComment, temporalWorkflowUrl } from '../../src/domain/status-comment';

const base: IssueStatus = {
  workflowId: 'acme/app#7',
  repo: 'acme/app',
  issueNumber: 7,
  state: 'testing',
  steps: [
    { step: 'queued', state: 'done', startedAt: '2026-01-01T10:00:00.000Z', endedAt: '2026-01-01T10:00:02.000Z' },
    { step: 'analyzing', state: 'done', startedAt: '2026-01-01T10:00:02.000Z', endedAt: '2026-01-01T10:03:07.000Z', note: 'simple' },
    { step: 'testing', state: 'running', startedAt: '2026-01-01T10:03:07.000Z' },
  ],
  attempts: { implement: 2, test: 1 },
  branch: 'issueflow/issue-7',
  costUsd: 1.234,
  agent: 'claude-code',
  startedAt: '2026-01-01T10:00:00.000Z',
  updatedAt: '2026-01-01T10:03:07.000Z',
};

describe('renderStatusComment', () => {
  test('shows state, progress, steps with marks and durations, links and cost', () => {
    const text = renderStatusComment({ ...base, pullRequest: { number: 12, url: 'https://github.com/acme/app/pull/12' } }, { temporalUiUrl: 'http://ui:8233/', repoUrl: 'https://github.com/acme/app' });
    expect(text).toContain('### issueflow: Running the tests');
    expect(text).toContain('`agent:testing` ▰▰▰▰▰▰▱ 6/7');
    expect(text).toContain('- ✅ queued (2s)');
    expect(text).toContain('- ✅ analyzing (3m 5s): simple');
    expect(text).toContain('- ⏳ testing\n');
    expect(text).toContain('[PR #12](https://github.com/acme/app/pull/12)');
    expect(text).toContain('`/agent cancel`, `/agent escalate`, `/agent approve`');
    expect(text).toContain('[`issueflow/issue-7`](https://github.com/acme/app/tree/issueflow/issue-7)');
    expect(text).toContain('[Temporal](http://ui:8233/namespaces/default/workflows/acme%2Fapp%237)');
    expect(text).toContain('Agent cost: $1.23 (claude-code) · attempts: implement 2');
  });

  test('quotes the pending question and the last error', () => {
    const text = renderStatusComment({ ...base, state: 'escalated', pendingQuestion: 'line one\nline two', lastError: { step: 'test', message: 'exit 1\nmore' } });
    expect(text).toContain('**Waiting for:**\n> line one\n> line two');
    expect(text).toContain('**Last error** in `test`: exit 1');
    expect(text).not.toContain('[Temporal]');
  });

  test('shows the budget: spent, the limit and what is left', () => {
    expect(renderStatusComment({ ...base, costUsd: 4.2, agentMs: 720_000, budget: { usd: 5, agentMinutes: 120 } })).toContain('Agent cost: $4.20 of $5.00 ($0.80 left) · agent time 12 min of 120 min');
    expect(renderStatusComment({ ...base, costUsd: 4.2 })).toMatch(/Agent cost: \$4\.20(?! of)/);
  });

  test("names an earlier story's pull request and how it ended", () => {
    expect(renderStatusComment(base)).not.toContain('Previous PR');
    const text = renderStatusComment({ ...base, previousPullRequest: { number: 12, url: 'https://github.com/acme/app/pull/12', state: 'merged' } });
    expect(text).toContain('Previous PR: [#12](https://github.com/acme/app/pull/12) (merged)');
  });
});

test('progressBar keeps the furthest main-path step for side states', () => {
  expect(progressBar({ state: 'queued', steps: [] })).toBe('▰▱▱▱▱▱▱ 1/7');
  expect(progressBar({ state: 'escalated', steps: base.steps })).toBe('▰▰▰▰▰▰▱ 6/7');
});

test('formatDuration', () => {
  expect([formatDuration(4_200), formatDuration(65_000), formatDuration(3_723_000), formatDuration(3 * 86_400_000 + 3_600_000), formatDuration(NaN)]).toEqual(['4s', '1m 5s', '1h 2m', '3d 1h', '?']);
});

test('temporalWorkflowUrl is undefined without a UI', () => {
  expect(temporalWorkflowUrl({}, 'a/b#1')).toBeUndefined();
  expect(temporalWorkflowUrl({ temporalUiUrl: 'https://t.example', namespace: 'prod' }, 'a/b#1')).toBe('https://t.example/namespaces/prod/workflows/a%2Fb%231');
});
