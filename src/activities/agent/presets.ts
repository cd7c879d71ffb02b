import type { AgentMode } from '../types';
import type { Config } from '../../config';

export type AgentPreset = Config['agent']['preset'];

/** How to start one agent run: no shell is involved, the prompt never lands in a command string. */
export interface AgentCommand {
  file: string;
  args: string[];
  /** When set, the prompt file is piped to the agent's stdin. */
  stdinFile?: string;
}

export interface CommandOptions {
  mode: AgentMode;
  promptFile: string;
  workdir: string;
  /** AGENT_COMMAND, for the `custom` preset. */
  customCommand?: string;
  /** A session to continue (only where canResume); `custom` gets it in `{session_id}` (and ISSUEFLOW_RESUME_SESSION). */
  resumeSession?: string;
}

/**
 * Whether the preset's CLI can continue a session: Claude Code `--resume`, Codex `exec resume`, and a custom agent
 * whose AGENT_COMMAND takes `{session_id}` (one that does not would be told only what is new, without the task).
 */
export function canResume(preset: AgentPreset, customCommand?: string): boolean {
  return preset === 'claude-code' || preset === 'codex' || (preset === 'custom' && customCommand?.includes('{session_id}') === true);
}

/** The presets whose reported cost is the session's: a continued session's includes its earlier runs (Claude Code 2.1). */
export const SESSION_COST: readonly AgentPreset[] = ['claude-code'];

/** The variable that hands a custom agent the session to continue (unset for a cold start). */
export const RESUME_ENV = 'ISSUEFLOW_RESUME_SESSION';

const CLAUDE_PLAN_TOOLS = 'Read,Glob,Grep';
const CLAUDE_IMPLEMENT_TOOLS = 'Read,Edit,Write,MultiEdit,Glob,Grep,LS,Bash,TodoWrite';

/**
 * The command line of each preset. Prompts go through a file or stdin (argv strings are limited to
 * 128 KiB and show in `ps`). Plan mode is read-only for every preset that has such a switch.
 */
export function agentCommand(preset: AgentPreset, o: CommandOptions): AgentCommand {
  const plan = o.mode === 'plan';
  const resume = o.resumeSession;
  switch (preset) {
    case 'claude-code':
      return {
        file: 'claude',
        // Plan mode alone lets a classifier model approve a writing Bash command; offering only
        // read tools makes the analysis read-only whatever the model asks for.
        args: ['-p', '--output-format', 'stream-json', '--verbose', ...(resume ? ['--resume', resume] : []), ...(plan ? ['--tools', CLAUDE_PLAN_TOOLS, '--permission-mode', 'plan'] : ['--permission-mode', 'acceptEdits', '--allowedTools', CLAUDE_IMPLEMENT_TOOLS])],
        stdinFile: o.promptFile,
      };
    case 'codex':
      return {
        file: 'codex',
        args: ['exec', '--skip-git-repo-check', '--cd', o.workdir, ...(plan ? ['--sandbox', 'read-only'] : ['--sandbox', 'workspace-write']), ...(resume ? ['resume', resume] : []), '-'],
        stdinFile: o.promptFile,
      };
    case 'gemini':
      return { file: 'gemini', args: ['--approval-mode', plan ? 'default' : 'auto_edit'], stdinFile: o.promptFile };
    case 'aider':
      return {
        file: 'aider',
        args: ['--message-file', o.promptFile, '--yes-always', '--no-auto-commits', '--no-stream', '--no-pretty', ...(plan ? ['--chat-mode', 'ask'] : [])],
      };
    case 'custom':
      return customCommand(o);
  }
}

function customCommand(o: CommandOptions): AgentCommand {
  if (!o.customCommand) throw new Error('AGENT=custom needs AGENT_COMMAND, e.g. "my-agent --prompt-file {prompt_file} --mode {mode}".');
  const values: Record<string, string> = { prompt_file: o.promptFile, workdir: o.workdir, mode: o.mode, session_id: o.resumeSession ?? '' };
  // A word with `{session_id}` (e.g. `--resume={session_id}`) is left out of a cold start.
  const words = splitArgv(o.customCommand).filter((w) => o.resumeSession || !w.includes('{session_id}'));
  const usesPrompt = words.some((w) => w.includes('{prompt_file}'));
  const [file, ...args] = words.map((w) => w.replace(/\{(prompt_file|workdir|mode|session_id)\}/g, (_m, k: string) => values[k]));
  if (!file) throw new Error('AGENT_COMMAND is empty.');
  return { file, args, stdinFile: usesPrompt ? undefined : o.promptFile };
}

/**
 * Splits a command template into words like a POSIX shell would for quotes and backslashes, with no
 * expansion of any kind. Placeholders are replaced per word afterwards, so values are never re-split.
 */
export function splitArgv(command: string): string[] {
  const words: string[] = [];
  let word = '';
  let inWord = false;
  let quote: '"' | "'" | undefined;
  for (let i = 0; i < command.length; i++) {
    const c = command[i];
    if (quote) {
      if (c === quote) quote = undefined;
      else if (c === '\\' && quote === '"' && i + 1 < command.length && '"\\$`'.includes(command[i + 1])) word += command[++i];
      else word += c;
    } else if (c === '"' || c === "'") {
      quote = c;
      inWord = true;
    } else if (c === '\\' && i + 1 < command.length) {
      word += command[++i];
      inWord = true;
    } else if (/\s/.test(c)) {
      if (inWord) words.push(word);
      word = '';
      inWord = false;
    } else {
      word += c;
      inWord = true;
    }
  }
  if (quote) throw new Error(`AGENT_COMMAND has an unclosed ${quote} quote.`);
  if (inWord) words.push(word);
  return words;
}
