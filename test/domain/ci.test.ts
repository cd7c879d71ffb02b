import { actionsIds, checkLines, checkRunState, ciVerdict, commitStatusState, logTail, type CheckInfo } from '../../src/domain/ci';
import { parseComment } from '../../src/domain/commands';
import { renderStatusComment } from '../../src/domain/status-comment';
import type { IssueStatus } from '../../src/domain/status';
import { routeWebhook } from '../../src/domain/webhook-routing';

const check = (name: string, state: CheckInfo['state']): CheckInfo => ({ name, state, source: 'check-run' });

test('check runs and commit statuses map to pending, success or failure', () => {
  expect(checkRunState('in_progress', null)).toBe('pending');
  expect(checkRunState('completed', 'success')).toBe('success');
  expect(checkRunState('completed', 'skipped')).toBe('success');
  expect(checkRunState('completed', 'timed_out')).toBe('failure');
  expect(commitStatusState('error')).toBe('failure');
  expect(commitStatusState('pending')).toBe('pending');
  expect(actionsIds('https://github.com/o/r/actions/runs/12/job/34')).toEqual({ runId: 12, jobId: 34 });
  expect(actionsIds('https://ci.example.com/build/1')).toBeUndefined();
});

test('the verdict: ignored checks do not count, no checks is pending until the grace period is over', () => {
  expect(ciVerdict([], [], false)).toEqual({ kind: 'pending' });
  expect(ciVerdict([check('lint', 'failure')], ['lint'], true)).toEqual({ kind: 'none' });
  expect(ciVerdict([check('a', 'failure'), check('b', 'pending')], [], true)).toEqual({ kind: 'pending' });
  expect(ciVerdict([check('a', 'failure'), check('b', 'success')], [], true)).toEqual({ kind: 'red', failed: [check('a', 'failure')] });
  expect(ciVerdict([check('a', 'success')], [], false)).toEqual({ kind: 'green' });
  expect(checkLines([{ ...check('a', 'failure'), url: 'https://x/1' }], [])).toEqual(['- ❌ [a](https://x/1): failure']);
  expect(logTail('1\n2\n3\n', 2)).toBe('2\n3');
});

test('check_run, check_suite and status webhooks on an issueflow branch nudge its issue; other branches are ignored', () => {
  const options = { triggerLabel: 'agent', allowedRepos: [], allowedOwners: [] };
  const repository = { name: 'app', owner: { login: 'acme' } };
  const run = routeWebhook('check_run', { action: 'completed', repository, check_run: { head_sha: 'abc', check_suite: { head_branch: 'issueflow/issue-7' } } }, 'd1', options);
  expect(run).toMatchObject({ kind: 'signal', workflowId: 'acme/app#7', signal: { name: 'checksChanged', args: { deliveryId: 'd1', sha: 'abc' } } });
  const status = routeWebhook('status', { repository, sha: 'def', branches: [{ name: 'issueflow/issue-8' }] }, 'd2', options);
  expect(status).toMatchObject({ kind: 'signal', workflowId: 'acme/app#8', signal: { args: { sha: 'def' } } });
  expect(routeWebhook('check_suite', { repository, check_suite: { head_sha: 'x', head_branch: 'main' } }, 'd3', options)).toMatchObject({ kind: 'ignore' });
});

test('the status comment lists the checks of the head with links, and offers /agent retry-ci only then', () => {
  const at = '2026-01-01T00:00:00Z';
  const status: IssueStatus = { workflowId: 'acme/app#7', repo: 'acme/app', issueNumber: 7, state: 'checking', steps: [], attempts: {}, costUsd: 0, startedAt: at, updatedAt: at };
  expect(renderStatusComment(status)).not.toContain('retry-ci');
  const items = [{ ...check('build', 'failure'), url: 'https://github.com/acme/app/actions/runs/1/job/2' }, check('coverage', 'pending')];
  const body = renderStatusComment({ ...status, checks: { sha: 'abcdef1234', items, ignored: ['coverage'] } });
  expect(body).toContain('### issueflow: Waiting for the CI checks');
  expect(body).toContain('**Checks** of `abcdef1`:\n- ❌ [build](https://github.com/acme/app/actions/runs/1/job/2): failure\n- ⏳ coverage: pending (ignored)');
  expect(body).toContain('`/agent retry-ci`');
  expect(parseComment('/agent retry-ci')).toEqual({ kind: 'command', command: 'retry-ci', args: '' });
});
