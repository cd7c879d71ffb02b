/** The comment commands issueflow understands, `/agent <name>` at the start of a line. */
export const AGENT_COMMANDS = ['run', 'retry', 'retry-ci', 'cancel', 'approve', 'status', 'update', 'escalate', 'budget'] as const;
export type AgentCommandName = (typeof AGENT_COMMANDS)[number];

export type ParsedComment =
  | { kind: 'command'; command: AgentCommandName; args: string }
  | { kind: 'unknown-command'; text: string }
  | { kind: 'feedback'; text: string };

const COMMAND_LINE = /^\s*\/agent(?:\s+(\S+))?[ \t]*(.*)$/im;

/**
 * Reads a comment as a command or as free-text feedback. The first `/agent` line wins; text in a
 * quote (`> /agent run`) or a code block is not a command, so quoting issueflow's own help is harmless.
 */
export function parseComment(body: string): ParsedComment {
  const text = stripQuotesAndCode(body ?? '');
  const m = COMMAND_LINE.exec(text);
  if (!m) return { kind: 'feedback', text: (body ?? '').trim() };
  const name = (m[1] ?? '').toLowerCase();
  if ((AGENT_COMMANDS as readonly string[]).includes(name)) {
    return { kind: 'command', command: name as AgentCommandName, args: m[2].trim() };
  }
  return { kind: 'unknown-command', text: m[0].trim() };
}

function stripQuotesAndCode(body: string): string {
  return body
    .replace(/```[\s\S]*?(```|$)/g, '')
    .split('\n')
    .filter((line) => !/^\s*>/.test(line))
    .join('\n');
}

/** Help text naming every command, for comments that tell people how to continue. */
export function commandHelp(): string {
  return [
    '`/agent run [--candidates N]` start (or restart) work on this issue (N candidate patches, the tests choose)',
    '`/agent retry` retry the failed step',
    '`/agent retry-ci` re-run the failed CI jobs of the pull request',
    '`/agent cancel` stop and clean up',
    '`/agent escalate` stop and hand the issue to a maintainer now (then `/agent retry` or `/agent cancel`)',
    '`/agent approve` approve the proposed plan',
    '`/agent status` post the current status',
    '`/agent budget <usd> [minutes=N]` raise the issue\'s budget and go on',
    '`/agent update` merge the base branch into the pull request\'s branch (conflicts go to the agent)',
  ].join('\n');
}
