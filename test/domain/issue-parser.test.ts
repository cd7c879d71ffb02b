import fc from 'fast-check';
import { extractPaths, listItems, parseIssue, splitSections } from '../../src/domain/issue-parser';

// What GitHub renders for an issue form submitted from templates/agent-task.yml.
const FORM_BODY = [
  '### Task type',
  '',
  'Bug fix',
  '',
  '### Priority',
  '',
  'High',
  '',
  '### Description',
  '',
  'Logging in with an expired session shows a blank page.',
  '',
  '### Acceptance criteria',
  '',
  '- [ ] An expired session redirects to /login',
  '- [x] The redirect keeps the original URL',
  '',
  '### Relevant files',
  '',
  '- `src/auth/session.ts`',
  '- src/routes/login.tsx',
  '',
  '### Context',
  '',
  '_No response_',
].join('\n');

describe('parseIssue on issue forms', () => {
  test('reads every field of the agent-task form', () => {
    const task = parseIssue({ title: ' Blank page after expiry ', body: FORM_BODY, labels: ['agent'], author: 'alice' });
    expect(task).toMatchObject({
      title: 'Blank page after expiry',
      fromForm: true,
      taskType: 'bug',
      priority: 'high',
      description: 'Logging in with an expired session shows a blank page.',
      acceptanceCriteria: ['An expired session redirects to /login', 'The redirect keeps the original URL'],
      relevantFiles: ['src/auth/session.ts', 'src/routes/login.tsx'],
      context: '',
      labels: ['agent'],
      author: 'alice',
      answers: [],
    });
  });

  test('`_No response_` is an empty field', () => {
    const task = parseIssue({ title: 't', body: FORM_BODY.replace('Logging in with an expired session shows a blank page.', '_No response_'), labels: [], author: 'a' });
    expect(task.description).toBe('');
  });

  test('answers fill an empty description; answers with form headings replace that field', () => {
    const body = FORM_BODY.replace('Logging in with an expired session shows a blank page.', '_No response_');
    const task = parseIssue({ title: 't', body, labels: [], author: 'a', answers: ['It crashes on expiry of the cookie.', '### Relevant files\n- `src/auth/cookie.ts`'] });
    expect(task.description).toBe('It crashes on expiry of the cookie.');
    expect(task.relevantFiles).toEqual(['src/auth/cookie.ts']);
    expect(task.answers).toHaveLength(2);
  });

  test('unknown headings end up in the context; the type falls back to labels', () => {
    const task = parseIssue({ title: 't', body: '### Description\nDo it now please\n### Screenshots\nnone here', labels: ['type: docs'], author: 'a' });
    expect(task.context).toBe('Screenshots:\nnone here');
    expect(task.taskType).toBe('docs');
    expect(task.priority).toBe('unknown');
  });
});

describe('parseIssue on free-form issues', () => {
  test('the body is the description; backticked paths are the relevant files', () => {
    const task = parseIssue({ title: 'Typo', body: 'The README says `recieve`; fix it in `README.md` and `docs/intro.md`.\n\nThanks!', labels: ['bug'], author: 'bob' });
    expect(task.fromForm).toBe(false);
    expect(task.description).toContain('fix it in');
    expect(task.relevantFiles).toEqual(['README.md', 'docs/intro.md']);
    expect(task.taskType).toBe('bug');
    expect(task.acceptanceCriteria).toEqual([]);
  });

  test('an empty or missing body gives an empty task, not an error', () => {
    expect(parseIssue({ title: '', body: '', labels: [], author: '' }).description).toBe('');
    expect(parseIssue({ title: 'x', body: null as unknown as string, labels: undefined as unknown as string[], author: 'a' }).labels).toEqual([]);
  });
});

describe('helpers', () => {
  test('splitSections keeps the preamble apart', () => {
    expect(splitSections('hello\n### A\none\n### B ###\ntwo')).toEqual({ preamble: 'hello', sections: [{ heading: 'A', text: 'one' }, { heading: 'B', text: 'two' }] });
  });
  test('listItems strips bullets, numbers and checkboxes', () => {
    expect(listItems('1. one\n* two\n- [ ] three\n\nfour')).toEqual(['one', 'two', 'three', 'four']);
  });
  test('extractPaths ignores words that are not paths', () => {
    expect(extractPaths('- see the file\n- `lib/a.js`, ./b/c.ts')).toEqual(['lib/a.js', 'b/c.ts']);
  });
});

describe('parseIssue never throws (property tests)', () => {
  const anyIssue = fc.record({ title: fc.string(), body: fc.string({ unit: 'binary' }), labels: fc.array(fc.string()), author: fc.string(), answers: fc.array(fc.string({ unit: 'binary' }), { maxLength: 3 }) });

  test('on any text', () => {
    fc.assert(
      fc.property(anyIssue, (issue) => {
        const task = parseIssue(issue);
        expect(typeof task.description).toBe('string');
        expect(Array.isArray(task.relevantFiles)).toBe(true);
      }),
      { numRuns: 300 },
    );
  });

  test('on random bytes decoded as text', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 4096 }), (bytes) => {
        const body = Buffer.from(bytes).toString('utf8');
        expect(() => parseIssue({ title: body.slice(0, 50), body, labels: [], author: 'x' })).not.toThrow();
      }),
      { numRuns: 200 },
    );
  });

  test('on issue-form-like text built from headings and odd content', () => {
    const heading = fc.constantFrom('### Description', '### Task type', '### Relevant files', '### Acceptance criteria', '###', '### ###', '#### x', '_No response_');
    const line = fc.oneof(heading, fc.string(), fc.constant('- `a/b.ts`'), fc.constant('- [ ] '));
    fc.assert(fc.property(fc.array(line, { maxLength: 40 }), (lines) => void parseIssue({ title: 't', body: lines.join('\n'), labels: [], author: 'a' })), { numRuns: 300 });
  });

  test('on 1 MB of text, quickly', () => {
    const big = `### Description\n${'word `src/x.ts` - [ ] item\n'.repeat(40_000)}`.padEnd(1_048_576, 'x');
    const started = Date.now();
    const task = parseIssue({ title: 'big', body: big, labels: [], author: 'a', answers: [big] });
    expect(Date.now() - started).toBeLessThan(5_000);
    expect(task.textLength).toBe(2 * big.length);
  });
});
