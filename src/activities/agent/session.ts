import type { Context } from '@temporalio/activity';
import type { AgentResume, AgentRunInput } from '../types';
import { parseSessionId } from './parse';
import { heartbeatSession, type HeartbeatSession } from '../../domain/agent-session';

/** What a running agent heartbeats: its output so far and, once the CLI named it, its session (see domain/agent-session). */
export interface AgentHeartbeat {
  bytes: number;
  lastLine: string;
  session?: HeartbeatSession;
}

/**
 * The session this run continues, if any: its own attempt's before a lost worker (the last heartbeat's
 * details, which a retried attempt gets back) first, else the session of the round before that the
 * workflow passed. Either way the CLI is only told the id: a session it does not know starts cold.
 */
export function sessionToResume(ctx: Context, input: AgentRunInput): AgentResume | undefined {
  const interrupted = heartbeatSession(ctx.info.heartbeatDetails);
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
