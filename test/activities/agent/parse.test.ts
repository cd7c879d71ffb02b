import { looksLikeProviderOutage, parsePlan, parseResultLine, parseStreamJson } from '../../../src/activities/agent/parse';
import { agentCommand, splitArgv } from '../../../src/activities/agent/presets';

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

describe('presets', () => {
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
