import { commandHelp, parseComment } from '../../src/domain/commands';

describe('parseComment', () => {
  test.each([
    ['/agent approve', { kind: 'command', command: 'approve', args: '' }],
    ['Looks good.\n/agent   RETRY now please', { kind: 'command', command: 'retry', args: 'now please' }],
    ['/agent cancel', { kind: 'command', command: 'cancel', args: '' }],
    ['/agent update', { kind: 'command', command: 'update', args: '' }],
    ['/agent escalate', { kind: 'command', command: 'escalate', args: '' }],
  ])('%j is a command', (body, expected) => expect(parseComment(body)).toEqual(expected));

  test('unknown commands are reported, not taken as feedback', () => {
    expect(parseComment('/agent deploy')).toEqual({ kind: 'unknown-command', text: '/agent deploy' });
  });

  test('quoted or fenced commands are feedback', () => {
    expect(parseComment('> /agent run\nI think the plan misses the tests')).toEqual({ kind: 'feedback', text: '> /agent run\nI think the plan misses the tests' });
    expect(parseComment('```\n/agent cancel\n```').kind).toBe('feedback');
  });

  test('plain text is feedback', () => {
    expect(parseComment('  Use the blue button.  ')).toEqual({ kind: 'feedback', text: 'Use the blue button.' });
  });

  test('the help names every command', () => {
    for (const c of ['run', 'retry', 'cancel', 'approve', 'status', 'update', 'escalate', 'budget']) expect(commandHelp()).toContain(`/agent ${c}`);
  });
});
