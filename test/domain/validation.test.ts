import { parseIssue } from '../../src/domain/issue-parser';
import { TASK_LIMITS, validateTask, validationQuestion } from '../../src/domain/validation';

const form = (description: string, criteria = '- works') => `### Description\n${description}\n### Acceptance criteria\n${criteria}\n### Relevant files\n- \`src/a.ts\``;
const task = (body: string, answers: string[] = []) => parseIssue({ title: 'Title', body, labels: [], author: 'alice', answers });

describe('validateTask', () => {
  test('a complete task passes', () => {
    expect(validateTask(task(form('Make the header configurable please')))).toEqual({ ok: true, problems: [] });
  });

  test('names each missing field', () => {
    const result = validateTask(parseIssue({ title: '', body: form('_No response_', '_No response_'), labels: [], author: 'a' }));
    expect(result.ok).toBe(false);
    expect(result.problems.map((p) => p.field)).toEqual(['title', 'description', 'acceptanceCriteria']);
  });

  test('free-form issues need no acceptance criteria, but a description of a few words', () => {
    expect(validateTask(task('Fix the login redirect loop')).ok).toBe(true);
    expect(validateTask(task('fix')).problems.map((p) => p.field)).toEqual(['description']);
  });

  test('files missing from the repository are listed', () => {
    const result = validateTask(task(form('Make the header configurable please')), ['src/a.ts']);
    expect(result.problems).toEqual([{ field: 'relevantFiles', message: expect.stringContaining('`src/a.ts`') }]);
  });

  test('a task too large asks to split it', () => {
    const big = form(`Do ${'many things '.repeat(TASK_LIMITS.maxTextLength / 10)}`);
    const result = validateTask(task(big));
    expect(result.problems).toEqual([{ field: 'size', message: expect.stringMatching(/too large.*split it/) }]);
  });

  test('a description of binary junk (random bytes read as UTF-8) asks for readable text; emoji and accents are text', () => {
    const junk = Buffer.from(Array.from({ length: 2000 }, (_, i) => (i * 7919 + 13) % 256)).toString('utf8');
    expect(validateTask(task(junk)).problems).toEqual([{ field: 'description', message: expect.stringContaining('not readable text') }]);
    expect(validateTask(task('Die Kopfzeile soll grüßen 👋 und 日本語 zeigen')).ok).toBe(true);
  });

  test('an answer completes the task', () => {
    expect(validateTask(task(form('_No response_'), ['The header text must come from settings.'])).ok).toBe(true);
  });
});

test('validationQuestion lists the problems and the time-out', () => {
  const text = validationQuestion(validateTask(task('fix')), 72);
  expect(text).toContain('- The **description** is missing');
  expect(text).toContain('72 h');
});
