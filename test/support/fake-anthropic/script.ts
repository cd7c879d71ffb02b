/** A scripted Anthropic conversation: what the fake model answers on each turn of the main agent loop. */

export type ContentBlock =
  | { type: 'text'; text: string }
  | { type: 'tool_use'; id: string; name: string; input: Record<string, unknown> };

/** What one turn answers: content blocks, a stop reason and the usage it reports. */
export interface FakeTurn {
  content: ContentBlock[];
  /** `tool_use` when the content has a tool_use block, else `end_turn`, unless set. */
  stopReason?: 'end_turn' | 'tool_use' | 'max_tokens' | 'stop_sequence';
  /** Reported usage; input tokens default to a quarter of the request body's length. */
  usage?: { input_tokens?: number; output_tokens?: number };
}

/** A turn, or a function of the (parsed) request that makes one, e.g. to echo a tool result. */
export type ScriptStep = FakeTurn | ((request: MessagesRequest) => FakeTurn);

/** The parts of a Messages API request body the fake reads. */
export interface MessagesRequest {
  model: string;
  stream?: boolean;
  system?: string | { type: string; text: string }[];
  messages: { role: string; content: string | Record<string, unknown>[] }[];
  tools?: { name: string }[];
  max_tokens?: number;
  [key: string]: unknown;
}

let toolIds = 0;

/** A final answer: one text block, `end_turn`. */
export function textTurn(text: string): FakeTurn {
  return { content: [{ type: 'text', text }] };
}

/** A tool call, optionally preceded by a sentence, as the model does. */
export function toolTurn(name: string, input: Record<string, unknown>, text?: string): FakeTurn {
  const id = `toolu_fake_${String(++toolIds).padStart(4, '0')}`;
  return { content: [...(text ? [{ type: 'text' as const, text }] : []), { type: 'tool_use', id, name, input }] };
}

/**
 * Whether a request belongs to the agent loop the script drives. Claude Code also calls the API for
 * side jobs (titles, summaries, topic detection, quota checks) with no tools or none of the agent's;
 * those get a short text and do not consume the script.
 */
export function isAgentLoopRequest(request: MessagesRequest): boolean {
  return (request.tools ?? []).some((t) => t.name === 'Read' || t.name === 'Edit');
}

/** A short text for side requests: a title, a summary, a yes/no classification. */
export function sideAnswer(request: MessagesRequest): FakeTurn {
  const system = typeof request.system === 'string' ? request.system : (request.system ?? []).map((b) => b.text).join('\n');
  if (/json/i.test(system)) return textTurn('{"isNewTopic": false, "title": "Scripted fake session"}');
  return textTurn('Scripted fake session');
}
