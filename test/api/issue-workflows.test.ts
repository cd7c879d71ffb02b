import { SIGNALS } from '../../src/api/issue-workflows';

test('each routed signal is sent by the definition whose wire name it carries', () => {
  for (const [name, definition] of Object.entries(SIGNALS)) expect(definition.name).toBe(name);
  expect(Object.keys(SIGNALS).sort()).toEqual(['checksChanged', 'command', 'feedback', 'issueClosed', 'issueEdited', 'pullRequestClosed', 'review']);
});
