import { looksLikeProviderOutage, looksLikeUnknownSession, parsePlan, parseResultLine, parseSessionId, parseStreamJson } from '../../../src/activities/agent/parse';
import { agentCommand, canResume, splitArgv } from '../../../src/activities/agent/presets';

const transcript = [
  '{"type":"system","subtype":"init","session_id":"s1","tools":["Read"]}',
  '{"type":"assistant","message":{"role":"assistant","content":[{"type":"text","text":"Looking"}]}}',
  '{"type":"result","subtype":"success","is_error":false,"num_turns":4,"result":"All done","total_cost_usd":0.42,"usage":{"input_tokens":1200,"output_tokens":340}}',
  '',
].join('\n');

describe('Claude Code stream-json', () => {
  test('the final result line gives text, turns, tokens and cost', () => {
    expect(parseStreamJson(transcript)).toEqual({ resultText: 'All done', isError: false, turns: 4, tokens: { input: 1200, output: 340 }, costUsd: 0.42 });
  });

  test('an error result is an error even with exit code 0', () => {
    const r = parseResultLine('{"type":"result","subtype":"error_max_turns","num_turns":30}');
    expect(r).toMatchObject({ isError: true, turns: 30, resultText: '' });
    expect(r?.tokens).toBeUndefined();
  });

  test('plain text, broken JSON and other message types are not results', () => {
    expect(parseStreamJson('just some text\nmore')).toBeUndefined();
    expect(parseResultLine('{"type":"result",')).toBeUndefined();
    expect(parseResultLine('{"type":"assistant"}')).toBeUndefined();
    expect(parseResultLine('null')).toBeUndefined();
  });
});

describe('plan parsing', () => {
  test('the last fenced json block is the plan', () => {
    const text = 'Thoughts\n```json\n{"summary":"old"}\n```\nFinal:\n```json\n{"plan":"Add a flag","steps":["edit cli.ts","", 3],"complexity":"complex","estimate":"1h","questions":["Which default?"]}\n```';
    expect(parsePlan(text)).toEqual({ summary: 'Add a flag', steps: ['edit cli.ts'], complexity: 'complex', estimate: '1h', questions: ['Which default?'] });
  });

  test('without a usable block the text is the summary, of unknown complexity, with no questions', () => {
    expect(parsePlan('  I will change the README.  ')).toEqual({ summary: 'I will change the README.', steps: [], complexity: 'unknown', questions: [] });
    expect(parsePlan('```json\n{not json}\n```').questions).toEqual([]);
    expect(parsePlan('```json\n["a"]\n```').steps).toEqual([]);
  });

  test('a block without a readable complexity says unknown, never simple', () => {
    const block = (json: string) => parsePlan(`\`\`\`json\n${json}\n\`\`\``).complexity;
    expect(block('{"summary":"s"}')).toBe('unknown');
    expect(block('{"summary":"s","complexity":"trivial"}')).toBe('unknown');
    expect(block('{"summary":"s","complexity":1}')).toBe('unknown');
    expect(block('{"summary":"s","complexity":" Simple "}')).toBe('simple');
  });
});

describe('provider outage detection', () => {
  test.each(['API Error: 529 {"type":"overloaded_error"}', 'Rate limit reached', 'HTTP 429 Too Many Requests'])('%s is an outage', (t) => {
    expect(looksLikeProviderOutage(t)).toBe(true);
  });
  test('a task failure is not', () => {
    expect(looksLikeProviderOutage('TypeError: cannot read property of undefined at line 4290')).toBe(false);
  });
});

describe('session ids', () => {
  test("Claude Code's init and result lines and Codex's header name the session", () => {
    const lines = transcript.split('\n');
    expect(parseSessionId(lines[0])).toBe('s1');
    expect(parseSessionId('{"type":"result","subtype":"success","session_id":"0b6c5e2a-9f1d-4c3e-8a77-2f0e1d9c4b10"}')).toBe('0b6c5e2a-9f1d-4c3e-8a77-2f0e1d9c4b10');
    expect(parseSessionId('session id: 0199a213-81c0-7800-8aa1-bbab2a035a53')).toBe('0199a213-81c0-7800-8aa1-bbab2a035a53');
    expect(parseSessionId('  Session ID:  abc-1  ')).toBe('abc-1');
  });

  test('other lines, and ids that could pass for an option or text, name none', () => {
    expect(parseSessionId(transcript.split('\n')[1])).toBeUndefined();
    expect(parseSessionId('{"session_id": 42}')).toBeUndefined();
    expect(parseSessionId('{"session_id":"--dangerously-skip-permissions"}')).toBeUndefined();
    expect(parseSessionId('{"session_id":"a b"}')).toBeUndefined();
    expect(parseSessionId('{"session_id":"s1",')).toBeUndefined();
    expect(parseSessionId('the session id: was lost')).toBeUndefined();
    expect(parseSessionId(`{"session_id":"${'x'.repeat(200)}"}`)).toBeUndefined();
  });

  test('a CLI that does not know the session to continue says so', () => {
    expect(looksLikeUnknownSession('No conversation found with session ID: 1234')).toBe(true);
    expect(looksLikeUnknownSession('Error: no saved session found with id 0199')).toBe(true);
    expect(looksLikeUnknownSession('TypeError: x is undefined')).toBe(false);
  });
});

describe('presets', () => {
  test('a session to continue: `claude --resume <id>`, `codex exec ... resume <id> -`, and nothing in argv for a custom agent', () => {
    const o = { mode: 'implement' as const, promptFile: '/p', workdir: '/w', resumeSession: 'sess-1' };
    const claude = agentCommand('claude-code', o).args;
    expect(claude.slice(claude.indexOf('--resume'), claude.indexOf('--resume') + 2)).toEqual(['--resume', 'sess-1']);
    expect(agentCommand('claude-code', { ...o, resumeSession: undefined }).args).not.toContain('--resume');
    expect(agentCommand('codex', o).args.slice(-3)).toEqual(['resume', 'sess-1', '-']);
    expect(agentCommand('codex', { ...o, resumeSession: undefined }).args).not.toContain('resume');
    const custom = 'agent --prompt-file {prompt_file} --resume={session_id}';
    expect(agentCommand('custom', { ...o, customCommand: custom }).args).toEqual(['--prompt-file', '/p', '--resume=sess-1']);
    expect(agentCommand('custom', { ...o, customCommand: custom, resumeSession: undefined }).args).toEqual(['--prompt-file', '/p']);
  });

  test('a custom agent continues sessions only when its command takes {session_id}; gemini and aider never do', () => {
    expect(canResume('custom', 'agent --prompt-file {prompt_file} --resume={session_id}')).toBe(true);
    expect(canResume('custom', 'agent --prompt-file {prompt_file}')).toBe(false);
    expect(canResume('custom')).toBe(false);
    expect([canResume('claude-code'), canResume('codex'), canResume('gemini'), canResume('aider')]).toEqual([true, true, false, false]);
  });

  test('custom commands are split into argv and placeholders never re-split', () => {
    const cmd = agentCommand('custom', {
      mode: 'plan',
      promptFile: '/tmp/my prompts/p.md',
      workdir: '/w/x; rm -rf /',
      customCommand: `my-agent --prompt "{prompt_file}" --cwd={workdir} --mode {mode} 'a b' c\\ d`,
    });
    expect(cmd).toEqual({ file: 'my-agent', args: ['--prompt', '/tmp/my prompts/p.md', '--cwd=/w/x; rm -rf /', '--mode', 'plan', 'a b', 'c d'], stdinFile: undefined });
  });

  test('without {prompt_file} the prompt goes to stdin', () => {
    expect(agentCommand('custom', { mode: 'implement', promptFile: '/p', workdir: '/w', customCommand: 'agent run' }).stdinFile).toBe('/p');
  });

  test('claude code is read-only in plan mode and may edit in implement mode; the prompt is never an argument', () => {
    const plan = agentCommand('claude-code', { mode: 'plan', promptFile: '/p', workdir: '/w' });
    const impl = agentCommand('claude-code', { mode: 'implement', promptFile: '/p', workdir: '/w' });
    expect(plan.args).toEqual(expect.arrayContaining(['-p', '--output-format', 'stream-json', '--verbose', '--permission-mode', 'plan']));
    expect(plan.args.slice(plan.args.indexOf('--tools'), plan.args.indexOf('--tools') + 2)).toEqual(['--tools', 'Read,Glob,Grep']);
    expect(impl.args).not.toContain('--tools');
    expect(impl.args).toEqual(expect.arrayContaining(['--permission-mode', 'acceptEdits', '--allowedTools']));
    expect(plan.stdinFile).toBe('/p');
    expect(agentCommand('codex', { mode: 'plan', promptFile: '/p', workdir: '/w' }).args).toEqual(expect.arrayContaining(['exec', '--sandbox', 'read-only']));
  });

  test('an unclosed quote is a configuration error', () => {
    expect(() => splitArgv('agent "oops')).toThrow(/unclosed/);
  });
});
