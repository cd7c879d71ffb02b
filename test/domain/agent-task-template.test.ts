import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'yaml';
import { parseIssue } from '../../src/domain/issue-parser';

interface FormField {
  type: string;
  id?: string;
  attributes: { label?: string; options?: string[] };
}

// A body the way GitHub renders a submitted issue form: `### {label}` then the answer.
test('every field of templates/agent-task.yml is read by the parser', () => {
  const form = parse(readFileSync(join(__dirname, '../../templates/agent-task.yml'), 'utf8')) as { labels: string[]; body: FormField[] };
  const answers: Record<string, string> = {
    'task-type': 'Bug fix',
    priority: 'High',
    description: 'The header greeting is hard-coded.',
    'acceptance-criteria': '- shows settings.greeting',
    'relevant-files': '- src/header.ts',
    context: 'See #3.',
  };
  const fields = form.body.filter((f) => f.type !== 'markdown');
  expect(fields.map((f) => f.id)).toEqual(Object.keys(answers));
  const body = fields.map((f) => `### ${f.attributes.label}\n\n${answers[f.id!]}`).join('\n\n');
  const task = parseIssue({ title: 't', body, labels: form.labels, author: 'a' });
  expect(task).toMatchObject({
    fromForm: true,
    taskType: 'bug',
    priority: 'high',
    description: 'The header greeting is hard-coded.',
    acceptanceCriteria: ['shows settings.greeting'],
    relevantFiles: ['src/header.ts'],
    context: 'See #3.',
    labels: ['agent'],
  });
  for (const option of fields.find((f) => f.id === 'task-type')!.attributes.options!) {
    expect(parseIssue({ title: 't', body: `### Task type\n\n${option}`, labels: [], author: 'a' }).taskType).not.toBe('unknown');
  }
});
