import { parseIssue } from '../../src/domain/issue-parser';
import { buildImplementPrompt, buildPlanPrompt, type PromptInput } from '../../src/domain/prompt';

const input: PromptInput = {
  issueNumber: 7,
  repo: 'acme/app',
  branch: 'issueflow/issue-7',
  task: parseIssue({ title: 'Greeting', body: '### Description\nRead the greeting from settings\n### Acceptance criteria\n- shows it\n### Relevant files\n- `src/header.ts`', labels: [], author: 'alice' }),
  conversation: [
    { kind: 'answer', author: 'alice', body: 'Fall back to Hello.', at: '2026-01-01T10:00:00.000Z' },
    { kind: 'review', author: 'bob', body: 'Use a constant.', at: '2026-01-02T10:00:00.000Z', path: 'src/header.ts', line: 3 },
  ],
  testCommand: 'npm test',
};

test('the plan prompt carries the task and asks for the JSON plan without changing files', () => {
  const p = buildPlanPrompt(input);
  expect(p).toContain('# Issue #7 in acme/app: Greeting');
  expect(p).toContain('- shows it');
  expect(p).toContain('- src/header.ts');
  expect(p).toContain('"complexity": "simple" | "complex"');
  expect(p).toContain('Do not change any file');
});

test('the implement prompt carries the plan, every answer and review comment, and the test failure', () => {
  const p = buildImplementPrompt({ ...input, plan: { summary: 'Add a setting.', steps: ['a', 'b'], complexity: 'simple', questions: [] }, testFailure: 'FAIL header.test.ts\n' });
  expect(p).toContain('## Agreed plan\nAdd a setting.\n1. a\n2. b');
  expect(p).toContain('### answer from @alice at 2026-01-01T10:00:00.000Z\nFall back to Hello.');
  expect(p).toContain('### review from @bob on src/header.ts:3');
  expect(p).toContain('## The tests failed after the last round; fix them\n```\nFAIL header.test.ts\n```');
  expect(p).toContain('issueflow/issue-7');
  expect(p).toContain('`npm test`');
  expect(p.indexOf('Fall back to Hello.')).toBeLessThan(p.indexOf('Use a constant.'));
});

test('without conversation or failure those sections are left out', () => {
  const p = buildImplementPrompt(input.conversation ? { ...input, conversation: [] } : input);
  expect(p).not.toContain('Conversation so far');
  expect(p).not.toContain('tests failed');
});
