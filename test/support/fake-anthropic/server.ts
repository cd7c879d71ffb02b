import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Duplex } from 'node:stream';
import { brotliDecompressSync, gunzipSync, inflateSync } from 'node:zlib';
import { applyStopSequences, isAgentLoopRequest, sideAnswer, textTurn, type ClassifierVerdict, type FakeError, type FakeTurn, type MessagesRequest, type ScriptStep } from './script';
import { messageEvents, messageJson } from './sse';

export interface FakeAnthropicOptions {
  /** The agent loop's turns, in order: turn 1 answers the first agent request, and so on. */
  script: ScriptStep[];
  /** Which requests consume the script; the rest are side requests (see isAgentLoopRequest). */
  isAgentLoop?: (request: MessagesRequest) => boolean;
  /** Models listed by GET /v1/models. */
  models?: string[];
  /** The auto-mode classifier's answer to every side request asking it (default: block). */
  classifierVerdict?: ClassifierVerdict;
}

/** `proxy`: a CONNECT to another host, when the fake is also the CLI's HTTPS_PROXY (always refused). */
export type RequestKind = 'agent' | 'side' | 'count_tokens' | 'models' | 'hello' | 'proxy' | 'unhandled';

export interface RecordedRequest {
  method: string;
  path: string;
  headers: IncomingMessage['headers'];
  /** The parsed JSON body, or the raw text when it is not JSON. */
  body: unknown;
  kind: RequestKind;
  /** For agent requests: the 1-based script turn that answered it. */
  turn?: number;
  status: number;
}

export interface SeenToolResult {
  toolUseId: string;
  content: string;
  isError: boolean;
}

const DEFAULT_MODELS = ['claude-opus-5-5', 'claude-sonnet-4-5', 'claude-haiku-4-5'];

function decode(raw: Buffer, encoding: string | undefined): string {
  if (encoding === 'gzip') return gunzipSync(raw).toString('utf8');
  if (encoding === 'br') return brotliDecompressSync(raw).toString('utf8');
  if (encoding === 'deflate') return inflateSync(raw).toString('utf8');
  return raw.toString('utf8');
}

function sendJson(res: ServerResponse, status: number, body: unknown): void {
  res.writeHead(status, { 'content-type': 'application/json', 'request-id': `req_fake_${Date.now()}` });
  res.end(JSON.stringify(body));
}

const apiError = (type: string, message: string) => ({ type: 'error', error: { type, message } });

/**
 * A scripted stand-in for the Anthropic Messages API on 127.0.0.1, for running the real Claude Code
 * CLI offline (ANTHROPIC_BASE_URL). It streams SSE like the API, answers the CLI's side requests
 * without consuming the script, and records every request.
 */
export class FakeAnthropic {
  readonly requests: RecordedRequest[] = [];
  /** Things the CLI did that the script did not expect (script exhausted, unknown endpoints). */
  readonly problems: string[] = [];
  private turn = 0;
  private messageIds = 0;

  private constructor(
    private readonly server: Server,
    private readonly options: FakeAnthropicOptions,
  ) {}

  /** Starts a fake on a free port of 127.0.0.1. */
  static async start(options: FakeAnthropicOptions): Promise<FakeAnthropic> {
    const server = createServer();
    const fake = new FakeAnthropic(server, options);
    server.on('request', (req: IncomingMessage, res: ServerResponse) => fake.handle(req, res));
    // As HTTPS_PROXY it sees, and refuses, every connection the CLI tries to make elsewhere.
    server.on('connect', (req: IncomingMessage, socket: Duplex) => {
      fake.requests.push({ method: 'CONNECT', path: req.url ?? '', headers: req.headers, body: undefined, kind: 'proxy', status: 403 });
      socket.on('error', () => undefined);
      socket.end('HTTP/1.1 403 Forbidden\r\ncontent-length: 0\r\n\r\n');
    });
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(0, '127.0.0.1', resolve);
    });
    return fake;
  }

  /** What ANTHROPIC_BASE_URL must be. */
  get url(): string {
    return `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
  }

  /** How many script turns were served. */
  get turnsServed(): number {
    return this.turn;
  }

  /** The bodies of the agent-loop requests, in order. */
  agentRequests(): MessagesRequest[] {
    return this.requests.filter((r) => r.kind === 'agent').map((r) => r.body as MessagesRequest);
  }

  /** The hosts the CLI tried to reach through the fake as its HTTPS_PROXY (`host:port`). */
  outsideConnections(): string[] {
    return this.requests.filter((r) => r.kind === 'proxy').map((r) => r.path);
  }

  /** Every tool_result block the CLI sent back in agent requests, once each, in order. */
  toolResults(): SeenToolResult[] {
    const seen = new Map<string, SeenToolResult>();
    for (const request of this.agentRequests()) {
      for (const message of request.messages) {
        if (typeof message.content === 'string') continue;
        for (const block of message.content) {
          if (block.type !== 'tool_result' || seen.has(String(block.tool_use_id))) continue;
          const c = block.content;
          const content = typeof c === 'string' ? c : Array.isArray(c) ? c.map((p: { text?: string }) => p.text ?? '').join('') : '';
          seen.set(String(block.tool_use_id), { toolUseId: String(block.tool_use_id), content, isError: block.is_error === true });
        }
      }
    }
    return [...seen.values()];
  }

  close(): Promise<void> {
    this.server.closeAllConnections();
    return new Promise((resolve) => this.server.close(() => resolve()));
  }

  private handle(req: IncomingMessage, res: ServerResponse): void {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const text = decode(Buffer.concat(chunks), req.headers['content-encoding']);
      let body: unknown = text;
      try {
        body = text ? JSON.parse(text) : undefined;
      } catch {
        // Kept as text.
      }
      const record: RecordedRequest = { method: req.method ?? 'GET', path: req.url ?? '/', headers: req.headers, body, kind: 'unhandled', status: 200 };
      this.requests.push(record);
      this.route(record, res);
    });
  }

  private route(r: RecordedRequest, res: ServerResponse): void {
    const path = new URL(r.path, 'http://fake').pathname.replace(/\/+$/, '');
    const send = (status: number, body: unknown) => {
      r.status = status;
      sendJson(res, status, body);
    };
    if (path === '/api/hello') {
      r.kind = 'hello';
      return send(200, { message: 'hello' });
    }
    if (path.startsWith('/v1/') && !r.headers['x-api-key'] && !r.headers.authorization) {
      return send(401, apiError('authentication_error', 'x-api-key header is required'));
    }
    if (r.method === 'GET' && (path === '/v1/models' || path.startsWith('/v1/models/'))) {
      r.kind = 'models';
      const models = (this.options.models ?? DEFAULT_MODELS).map((id) => ({ type: 'model', id, display_name: id, created_at: '2026-01-01T00:00:00Z' }));
      if (path === '/v1/models') return send(200, { data: models, has_more: false, first_id: models[0]?.id ?? null, last_id: models.at(-1)?.id ?? null });
      const one = models.find((m) => m.id === decodeURIComponent(path.slice('/v1/models/'.length)));
      return one ? send(200, one) : send(404, apiError('not_found_error', 'model not found'));
    }
    if (r.method === 'POST' && path === '/v1/messages/count_tokens') {
      r.kind = 'count_tokens';
      return send(200, { input_tokens: Math.ceil(JSON.stringify(r.body ?? '').length / 4) });
    }
    if (r.method === 'POST' && path === '/v1/messages') return this.messages(r, res, send);
    this.problems.push(`unhandled request ${r.method} ${r.path}`);
    send(404, apiError('not_found_error', `fake-anthropic does not serve ${r.method} ${path}`));
  }

  private messages(r: RecordedRequest, res: ServerResponse, send: (status: number, body: unknown) => void): void {
    const request = r.body as MessagesRequest;
    if (!request || typeof request !== 'object' || !Array.isArray(request.messages) || typeof request.model !== 'string') {
      return send(400, apiError('invalid_request_error', 'model and messages are required'));
    }
    let turn: FakeTurn | FakeError;
    if ((this.options.isAgentLoop ?? isAgentLoopRequest)(request)) {
      r.kind = 'agent';
      r.turn = ++this.turn;
      const step = this.options.script[this.turn - 1];
      if (step === undefined) this.problems.push(`script exhausted: agent request ${this.turn} has no turn`);
      turn = step === undefined ? textTurn('(fake-anthropic: the script has no more turns)') : typeof step === 'function' ? step(request) : step;
    } else {
      r.kind = 'side';
      turn = sideAnswer(request, this.options.classifierVerdict);
    }
    if ('error' in turn) return send(turn.status, { type: 'error', error: turn.error });
    turn = applyStopSequences(turn, request.stop_sequences);
    const id = `msg_fake_${String(++this.messageIds).padStart(4, '0')}`;
    const inputTokens = Math.ceil(JSON.stringify(request).length / 4);
    if (!request.stream) return send(200, messageJson(id, request.model, turn, inputTokens));
    res.writeHead(200, { 'content-type': 'text/event-stream', 'cache-control': 'no-cache', 'request-id': `req_${id}` });
    for (const event of messageEvents(id, request.model, turn, inputTokens)) res.write(event);
    res.end();
  }
}
