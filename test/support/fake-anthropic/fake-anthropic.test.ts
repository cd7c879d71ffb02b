import { request } from 'node:http';
import { errorTurn, FakeAnthropic, textTurn, toolTurn, type MessagesRequest } from './index';

const KEY = { 'x-api-key': 'sk-ant-test-dummy', 'content-type': 'application/json', 'anthropic-version': '2023-06-01' };
const agentBody = (extra: Partial<MessagesRequest> = {}): MessagesRequest => ({
  model: 'claude-opus-5-5',
  max_tokens: 1024,
  tools: [{ name: 'Read' }, { name: 'Edit' }],
  messages: [{ role: 'user', content: 'hi' }],
  ...extra,
});

/** Parses an SSE body into its events' data objects. */
function sseEvents(text: string): { event: string; data: Record<string, unknown> }[] {
  return text
    .split('\n\n')
    .filter((f) => f.trim())
    .map((frame) => {
      const event = /^event: (.*)$/m.exec(frame)?.[1] ?? '';
      const data = JSON.parse(/^data: (.*)$/m.exec(frame)?.[1] ?? '{}') as Record<string, unknown>;
      return { event, data };
    });
}

describe('fake Anthropic Messages API', () => {
  let fake: FakeAnthropic;
  afterEach(() => fake.close());
  const post = (path: string, body: unknown, headers: Record<string, string> = KEY) =>
    fetch(`${fake.url}${path}`, { method: 'POST', headers, body: JSON.stringify(body) });

  test('streams a tool_use turn as the API does: events in order, input as JSON deltas, stop_reason and usage', async () => {
    fake = await FakeAnthropic.start({ script: [toolTurn('Read', { file_path: '/x/a.txt' }, 'Reading.')] });
    const res = await post('/v1/messages?beta=true', agentBody({ stream: true }));
    expect(res.headers.get('content-type')).toBe('text/event-stream');
    const events = sseEvents(await res.text());
    expect(events.every((e) => e.event === e.data.type)).toBe(true);
    expect(events.map((e) => e.event)).toEqual([
      'message_start', 'ping',
      'content_block_start', 'content_block_delta', 'content_block_delta', 'content_block_stop',
      'content_block_start', 'content_block_delta', 'content_block_delta', 'content_block_stop',
      'message_delta', 'message_stop',
    ]);
    const deltas = events.filter((e) => e.event === 'content_block_delta').map((e) => e.data.delta as Record<string, string>);
    expect(deltas.filter((d) => d.type === 'text_delta').map((d) => d.text).join('')).toBe('Reading.');
    expect(JSON.parse(deltas.filter((d) => d.type === 'input_json_delta').map((d) => d.partial_json).join(''))).toEqual({ file_path: '/x/a.txt' });
    expect(events[6].data.content_block).toMatchObject({ type: 'tool_use', name: 'Read', id: expect.stringMatching(/^toolu_/) });
    const start = events[0].data.message as { usage: { input_tokens: number } };
    expect(start.usage.input_tokens).toBeGreaterThan(0);
    expect(events[10].data).toMatchObject({ delta: { stop_reason: 'tool_use' }, usage: { output_tokens: expect.any(Number) } });
    expect(fake.turnsServed).toBe(1);
  });

  test('answers non-streaming requests with the whole message', async () => {
    fake = await FakeAnthropic.start({ script: [textTurn('Done.')] });
    const res = await post('/v1/messages', agentBody());
    expect(await res.json()).toMatchObject({ type: 'message', role: 'assistant', content: [{ type: 'text', text: 'Done.' }], stop_reason: 'end_turn', usage: { input_tokens: expect.any(Number), output_tokens: expect.any(Number) } });
  });

  test('side requests get short text and leave the script alone; running out of script is a problem', async () => {
    fake = await FakeAnthropic.start({ script: [(r) => textTurn(`You said ${String(r.messages[0].content)}`)] });
    const side = await (await post('/v1/messages', { model: 'claude-haiku-4-5', max_tokens: 50, system: 'Write a 5-word title.', messages: [{ role: 'user', content: 'x' }] })).json();
    expect(side).toMatchObject({ content: [{ type: 'text', text: 'Scripted fake session' }] });
    expect(await (await post('/v1/messages', agentBody())).json()).toMatchObject({ content: [{ text: 'You said hi' }] });
    expect(fake.problems).toEqual([]);
    await post('/v1/messages', agentBody());
    expect(fake.problems).toEqual(['script exhausted: agent request 2 has no turn']);
    expect(fake.requests.map((r) => r.kind)).toEqual(['side', 'agent', 'agent']);
  });

  test('applies stop sequences and answers the auto-mode classifier in its format', async () => {
    fake = await FakeAnthropic.start({ script: [], classifierVerdict: 'allow' });
    const body = { model: 'claude-sonnet-5', max_tokens: 64, stop_sequences: ['</block>'], system: 'You are a security monitor ... <block>no</block>', messages: [{ role: 'user', content: 'x' }] };
    expect(await (await post('/v1/messages', body)).json()).toMatchObject({ content: [{ text: '<block>no' }], stop_reason: 'stop_sequence', stop_sequence: '</block>' });
  });

  test('returns scripted API errors, and what the CLI may call besides messages', async () => {
    fake = await FakeAnthropic.start({ script: [errorTurn()] });
    const overloaded = await post('/v1/messages', agentBody());
    expect(overloaded.status).toBe(529);
    expect(await overloaded.json()).toEqual({ type: 'error', error: { type: 'overloaded_error', message: 'Overloaded' } });
    expect(await (await post('/v1/messages/count_tokens', agentBody())).json()).toEqual({ input_tokens: expect.any(Number) });
    expect(await (await fetch(`${fake.url}/v1/models`, { headers: KEY })).json()).toMatchObject({ data: expect.arrayContaining([expect.objectContaining({ id: 'claude-opus-5-5' })]) });
    expect((await fetch(`${fake.url}/api/hello`, { method: 'HEAD' })).status).toBe(200);
    expect((await post('/v1/messages', agentBody(), { 'content-type': 'application/json' })).status).toBe(401);
    expect((await fetch(`${fake.url}/v1/files`, { headers: KEY })).status).toBe(404);
    expect(fake.problems).toEqual(['unhandled request GET /v1/files']);
  });

  test('as an HTTPS proxy it records and refuses every CONNECT', async () => {
    fake = await FakeAnthropic.start({ script: [] });
    const { port } = new URL(fake.url);
    const status = await new Promise<number | undefined>((resolve, reject) => {
      const req = request({ host: '127.0.0.1', port, method: 'CONNECT', path: 'api.anthropic.com:443' });
      req.on('connect', (res, socket) => {
        socket.destroy();
        resolve(res.statusCode);
      });
      req.on('error', reject);
      req.end();
    });
    expect(status).toBe(403);
    expect(fake.outsideConnections()).toEqual(['api.anthropic.com:443']);
  });
});
