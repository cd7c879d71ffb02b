import type { ContentBlock, FakeTurn } from './script';

/** The complete non-streaming Messages API response for one turn. */
export function messageJson(id: string, model: string, turn: FakeTurn, inputTokens: number): Record<string, unknown> {
  return {
    id,
    type: 'message',
    role: 'assistant',
    model,
    content: turn.content,
    stop_reason: stopReason(turn),
    stop_sequence: turn.stopSequence ?? null,
    usage: usage(turn, inputTokens),
  };
}

export function stopReason(turn: FakeTurn): string {
  return turn.stopReason ?? (turn.content.some((b) => b.type === 'tool_use') ? 'tool_use' : 'end_turn');
}

function usage(turn: FakeTurn, inputTokens: number) {
  const output = turn.usage?.output_tokens ?? Math.max(1, Math.ceil(JSON.stringify(turn.content).length / 4));
  return { input_tokens: turn.usage?.input_tokens ?? inputTokens, output_tokens: output, cache_creation_input_tokens: 0, cache_read_input_tokens: 0, service_tier: 'standard' };
}

const frame = (event: string, data: Record<string, unknown>) => `event: ${event}\ndata: ${JSON.stringify({ type: event, ...data })}\n\n`;

/** Splits a string in two, as the API streams text and tool input in several deltas. */
function halves(s: string): string[] {
  const mid = Math.ceil(s.length / 2);
  return s.length < 2 ? [s] : [s.slice(0, mid), s.slice(mid)];
}

function blockEvents(block: ContentBlock, index: number): string[] {
  if (block.type === 'text') {
    return [
      frame('content_block_start', { index, content_block: { type: 'text', text: '' } }),
      ...halves(block.text).map((text) => frame('content_block_delta', { index, delta: { type: 'text_delta', text } })),
      frame('content_block_stop', { index }),
    ];
  }
  return [
    frame('content_block_start', { index, content_block: { type: 'tool_use', id: block.id, name: block.name, input: {} } }),
    ...halves(JSON.stringify(block.input)).map((partial_json) => frame('content_block_delta', { index, delta: { type: 'input_json_delta', partial_json } })),
    frame('content_block_stop', { index }),
  ];
}

/**
 * The Server-Sent Events of one streamed turn, in the API's order: message_start (input usage),
 * ping, per block start / deltas / stop, message_delta (stop_reason, output usage), message_stop.
 */
export function messageEvents(id: string, model: string, turn: FakeTurn, inputTokens: number): string[] {
  const u = usage(turn, inputTokens);
  return [
    frame('message_start', {
      message: { id, type: 'message', role: 'assistant', model, content: [], stop_reason: null, stop_sequence: null, usage: { ...u, output_tokens: 1 } },
    }),
    frame('ping', {}),
    ...turn.content.flatMap((b, i) => blockEvents(b, i)),
    frame('message_delta', { delta: { stop_reason: stopReason(turn), stop_sequence: turn.stopSequence ?? null }, usage: { output_tokens: u.output_tokens } }),
    frame('message_stop', {}),
  ];
}
