import { readFileSync } from 'node:fs';
import { join } from 'node:path';

/** The scripted agent's executable script (plain Node, `#!/usr/bin/env node`). */
export const SCRIPTED_AGENT_PATH = join(__dirname, 'scripted-agent.js');

/** A folder with a fake `claude` that runs the scripted agent; put it first on PATH. */
export const SCRIPTED_AGENT_BIN_DIR = join(__dirname, 'bin');

/** AGENT_COMMAND for AGENT=custom that runs the scripted agent (continuing a session it is given). */
export function scriptedAgentCommand(): string {
  return `node "${SCRIPTED_AGENT_PATH}" --prompt-file {prompt_file} --mode {mode} --workdir {workdir} --resume={session_id}`;
}

/** Whether a process still runs (a zombie waiting to be reaped counts as gone). */
export function processAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
  } catch {
    return false;
  }
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    return stat.slice(stat.lastIndexOf(')') + 2)[0] !== 'Z';
  } catch {
    return false;
  }
}
