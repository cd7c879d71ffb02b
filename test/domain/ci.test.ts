import { actionsIds, checkLines, checkRunState, ciVerdict, commitStatusState, logTail, type CheckInfo } from '../../src/domain/ci';
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
