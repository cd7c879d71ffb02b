/** An agent CLI's session, as its heartbeats name it. Pure. */

/** A session id as the CLIs print them (a UUID, or any short word of these characters): never an option, never text. */
export function isSessionId(id: unknown): id is string {
  return typeof id === 'string' && /^[A-Za-z0-9][A-Za-z0-9._:-]{0,127}$/.test(id);
}

/** The session a running agent names in its heartbeat details; `costUsd`: the session's cost before that run. */
export interface HeartbeatSession {
  agent: string;
  id: string;
  costUsd?: number;
}

/** The session in an agent run's heartbeat details, or undefined when they name none (or not in this shape). */
export function heartbeatSession(details: unknown): HeartbeatSession | undefined {
  const session = (details as { session?: Partial<HeartbeatSession> } | undefined)?.session;
  if (!session || typeof session.agent !== 'string' || !isSessionId(session.id)) return undefined;
  if (session.costUsd !== undefined && !(typeof session.costUsd === 'number' && session.costUsd >= 0)) return undefined;
  return { agent: session.agent, id: session.id, ...(session.costUsd !== undefined ? { costUsd: session.costUsd } : {}) };
}
