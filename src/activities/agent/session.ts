import type { Context } from '@temporalio/activity';
import type { AgentResume, AgentRunInput } from '../types';
import { parseSessionId } from './parse';

/** What a running agent heartbeats: its output so far and, once the CLI named it, its session. */
export interface AgentHeartbeat {
  bytes: number;
  lastLine: string;
  /** `costUsd`: the session's cost before this attempt (see AgentResume.sessionCostUsd). */
  session?: { agent: string; id: string; costUsd?: number };
}

const sessionOf = (details: unknown): AgentHeartbeat['session'] => {
  const session = (details as Partial<AgentHeartbeat> | undefined)?.session;
  if (!session || typeof session.agent !== 'string' || typeof session.id !== 'string') return undefined;
  if (session.costUsd !== undefined && !(typeof session.costUsd === 'number' && session.costUsd >= 0)) return undefined;
  // Heartbeat details come back from the server: read them as the output was read.
  return parseSessionId(`session id: ${session.id}`) === session.id ? session : undefined;
};

/**
 * The session this run continues, if any: its own attempt's before a lost worker (the last heartbeat's
 * details, which a retried attempt gets back) first, else the session of the round before that the
 * workflow passed. Either way the CLI is only told the id: a session it does not know starts cold.
 */
export function sessionToResume(ctx: Context, input: AgentRunInput): AgentResume | undefined {
  const interrupted = sessionOf(ctx.info.heartbeatDetails);
  if (interrupted) return { agent: interrupted.agent, sessionId: interrupted.id, prompt: input.resume?.prompt ?? input.prompt, sessionCostUsd: interrupted.costUsd };
  return input.resume;
}

/** Follows an agent's output lines for the session id it announces (the latest wins). */
export class SessionWatch {
  id: string | undefined;

  constructor(
    private readonly enabled: boolean,
    /** The id must come through unchanged by the secret scrubber. */
    private readonly clean: (text: string) => string,
  ) {}

  /** Reads one line; true when it named a new session (to heartbeat at once). */
  line(line: string): boolean {
    if (!this.enabled) return false;
    const id = parseSessionId(line);
    if (!id || id === this.id || this.clean(id) !== id) return false;
    this.id = id;
    return true;
  }
}
