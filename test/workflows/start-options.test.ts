import { ISSUE_ATTR, REPO_ATTR, STATE_ATTR } from '../../src/domain/search-attributes';
import { workflowStartOptions } from '../../src/workflows/start-options';

test('workflowStartOptions: the id, the summaries for the UI and the initial search attributes', () => {
  const input = { owner: 'acme', repo: 'app', issueNumber: 7, trigger: { deliveryId: 'd-1', kind: 'labeled' as const, actor: 'alice' } };
  const options = workflowStartOptions(input);
  expect(options.workflowId).toBe('acme/app#7');
  expect(options.args).toEqual([input]);
  expect(options.staticSummary).toBe('acme/app#7');
  expect(options.staticDetails).toContain('[acme/app#7](https://github.com/acme/app/issues/7)');
  expect(options.staticDetails).toContain('labeled from @alice');
  expect(options.typedSearchAttributes).toEqual([
    { key: REPO_ATTR, value: 'acme/app' },
    { key: ISSUE_ATTR, value: 7 },
    { key: STATE_ATTR, value: 'queued' },
  ]);
});
