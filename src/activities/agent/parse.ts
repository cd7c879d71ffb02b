import { readComplexity, type AgentPlan } from '../../domain/plan';
import { isSessionId } from '../../domain/agent-session';

/** What the final `{"type":"result"}` line of Claude Code's stream-json says. */
export interface StreamJsonResult {
  resultText: string;
  isError: boolean;
  turns?: number;
  tokens?: { input: number; output: number };
  costUsd?: number;
}

const num = (v: unknown): number | undefined => (typeof v === 'number' && Number.isFinite(v) ? v : undefined);

/** Reads one stream-json line as the final result, or undefined when it is anything else. */
export function parseResultLine(line: string): StreamJsonResult | undefined {
  const trimmed = line.trim();
  if (!trimmed.startsWith('{')) return undefined;
  let obj: Record<string, unknown>;
  try {
    obj = JSON.parse(trimmed) as Record<string, unknown>;
  } catch {
    return undefined;
  }
  if (obj === null || typeof obj !== 'object' || obj.type !== 'result') return undefined;
  const usage = (obj.usage ?? {}) as Record<string, unknown>;
  const input = num(usage.input_tokens);
  const output = num(usage.output_tokens);
  return {
    resultText: typeof obj.result === 'string' ? obj.result : '',
    isError: obj.is_error === true || (typeof obj.subtype === 'string' && obj.subtype.startsWith('error')),
    turns: num(obj.num_turns),
    tokens: input !== undefined || output !== undefined ? { input: input ?? 0, output: output ?? 0 } : undefined,
    costUsd: num(obj.total_cost_usd) ?? num(obj.cost_usd),
  };
}

/** The last result line of a stream-json transcript, or undefined when the output is not stream-json. */
export function parseStreamJson(output: string): StreamJsonResult | undefined {
  const lines = output.split('\n');
  for (let i = lines.length - 1; i >= 0; i--) {
    const r = parseResultLine(lines[i]);
    if (r) return r;
  }
  return undefined;
}

const FENCED_JSON = /```json\s*\n([\s\S]*?)```/g;
const strings = (v: unknown): string[] => (Array.isArray(v) ? v.filter((s): s is string => typeof s === 'string' && s.trim() !== '').map((s) => s.trim()) : []);

/**
 * Reads the plan from plan-mode result text: the last fenced ```json block with `plan` or `summary`,
 * else the whole text as the summary with no steps, no questions and an `unknown` complexity.
 */
export function parsePlan(resultText: string): AgentPlan {
  const blocks = [...resultText.matchAll(FENCED_JSON)].map((m) => m[1]).reverse();
  for (const block of blocks) {
    let obj: Record<string, unknown>;
    try {
      obj = JSON.parse(block) as Record<string, unknown>;
    } catch {
      continue;
    }
    if (!obj || typeof obj !== 'object' || Array.isArray(obj)) continue;
    const summary = typeof obj.summary === 'string' ? obj.summary : typeof obj.plan === 'string' ? obj.plan : undefined;
    if (summary === undefined) continue;
    return {
      summary: summary.trim(),
      steps: strings(obj.steps),
      complexity: readComplexity(obj.complexity),
      estimate: typeof obj.estimate === 'string' ? obj.estimate : undefined,
      questions: strings(obj.questions),
    };
  }
  // Prose is a plan too, but one that does not say how complex it is: the gate asks for approval.
  return { summary: resultText.trim(), steps: [], complexity: 'unknown', questions: [] };
}

const OUTAGE = [/rate[ _-]?limit/i, /\boverloaded/i, /\b(429|529|503)\b/, /too many requests/i, /quota exceeded/i, /service unavailable/i];

/** Whether a failed run's output blames the provider (outage, rate limit) rather than the task. */
export function looksLikeProviderOutage(output: string): boolean {
  return OUTAGE.some((re) => re.test(output));
}

const CODEX_SESSION = /^\s*session id:\s*(\S+)\s*$/i;

/**
 * The session id one output line announces: Claude Code's stream-json lines carry `session_id` (the `system`
 * init line and the `result` line), Codex's header prints `session id: <uuid>`; undefined for any other line.
 */
export function parseSessionId(line: string): string | undefined {
  const trimmed = line.trim();
  let id: unknown;
  if (trimmed.startsWith('{') && trimmed.includes('"session_id"')) {
    try {
      id = (JSON.parse(trimmed) as Record<string, unknown>).session_id;
    } catch {
      return undefined;
    }
  } else id = CODEX_SESSION.exec(trimmed)?.[1];
  return isSessionId(id) ? id : undefined;
}

const UNKNOWN_SESSION = [/no conversation found with session id/i, /does not match any session/i, /no (saved )?session found/i, /session\b[^\n]{0,80}\bnot found/i, /unknown session/i];

/** Whether a failed run's output says the session it was told to continue does not exist (here). */
export function looksLikeUnknownSession(output: string): boolean {
  return UNKNOWN_SESSION.some((re) => re.test(output));
}
