/** A scripted Anthropic conversation: what the fake model answers on each turn of the main agent loop. */

export type ContentBlock =
  | { type: 'text'; text: string }
  | { type: 'tool_use'; id: string; name: string; input: Record<string, unknown> };

/** What one turn answers: content blocks, a stop reason and the usage it reports. */
export interface FakeTurn {
  content: ContentBlock[];
  /** `tool_use` when the content has a tool_use block, else `end_turn`, unless set. */
  stopReason?: 'end_turn' | 'tool_use' | 'max_tokens' | 'stop_sequence';
  /** The stop sequence that ended the turn (set by the fake when a request's stop_sequences match). */
  stopSequence?: string;
  /** Reported usage; input tokens default to a quarter of the request body's length. */
  usage?: { input_tokens?: number; output_tokens?: number };
}

/** An API error answered instead of a message (e.g. 529 overloaded_error, 429 rate_limit_error). */
export interface FakeError {
  status: number;
  error: { type: string; message: string };
}

/** A turn, or a function of the (parsed) request that makes one, e.g. to echo a tool result. */
export type ScriptStep = FakeTurn | FakeError | ((request: MessagesRequest) => FakeTurn | FakeError);

/** The parts of a Messages API request body the fake reads. */
export interface MessagesRequest {
  model: string;
  stream?: boolean;
  system?: string | { type: string; text: string }[];
  messages: { role: string; content: string | Record<string, unknown>[] }[];
  tools?: { name: string }[];
  max_tokens?: number;
  stop_sequences?: string[];
  [key: string]: unknown;
}

let toolIds = 0;

/** A final answer: one text block, `end_turn`. */
export function textTurn(text: string): FakeTurn {
  return { content: [{ type: 'text', text }] };
}

/** An API error turn: 529 `overloaded_error` by default, as during an Anthropic outage. */
export function errorTurn(status = 529, type = 'overloaded_error', message = 'Overloaded'): FakeError {
  return { status, error: { type, message } };
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

const systemText = (r: MessagesRequest) => (typeof r.system === 'string' ? r.system : (r.system ?? []).map((b) => b.text).join('\n'));

/** What the fake's auto-mode classifier says about every action it is asked about. */
export type ClassifierVerdict = 'block' | 'allow';

/**
 * A short answer for side requests. The auto-mode security classifier (plan mode's check of a Bash
 * command when non-essential traffic is allowed) gets its `<block>` format; titles and summaries a
 * line of text.
 */
export function sideAnswer(request: MessagesRequest, verdict: ClassifierVerdict = 'block'): FakeTurn {
  const system = systemText(request);
  if (/security monitor/i.test(system) && system.includes('<block>')) {
    return textTurn(
      verdict === 'allow'
        ? '<block>no</block>'
        : '<block>yes</block><category>Irreversible Local Destruction</category><reason>[Irreversible Local Destruction] the scripted fake blocks every action it is asked about</reason>',
    );
  }
  if (/json/i.test(system)) return textTurn('{"isNewTopic": false, "title": "Scripted fake session"}');
  return textTurn('Scripted fake session');
}

/** The turn as the API would end it: text cut at the first of the request's stop sequences. */
export function applyStopSequences(turn: FakeTurn, stops: readonly string[] = []): FakeTurn {
  const content: ContentBlock[] = [];
  for (const block of turn.content) {
    if (block.type !== 'text') {
      content.push(block);
      continue;
    }
    const hits = stops.map((s) => ({ s, at: block.text.indexOf(s) })).filter((h) => h.at >= 0).sort((a, b) => a.at - b.at);
    if (!hits.length) {
      content.push(block);
      continue;
    }
    content.push({ type: 'text', text: block.text.slice(0, hits[0].at) });
    return { ...turn, content, stopReason: 'stop_sequence', stopSequence: hits[0].s };
  }
  return turn;
}
