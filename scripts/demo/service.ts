import { spawn, type ChildProcess } from 'node:child_process';
import { closeSync, openSync, readFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { join } from 'node:path';
import { temporalCliPath } from '../../test/support/binaries';

const ROOT = join(__dirname, '..', '..');

/** The ports `issueflow start` uses on its embedded defaults, and the variable that moves each one. */
const PORTS = [
  { variable: 'PORT', fallback: 3000, what: "issueflow's HTTP API" },
  { variable: 'TEMPORAL_UI_PORT', fallback: 8233, what: 'the Temporal Web UI' },
  { variable: 'TEMPORAL_DEV_SERVER_PORT', fallback: 7233, what: 'the Temporal dev server' },
  { variable: 'ISSUEFLOW_EMBEDDED_PG_PORT', fallback: 54329, what: 'the embedded PostgreSQL' },
] as const;

export type DemoPorts = Record<(typeof PORTS)[number]['variable'], number>;

/** The ports to use (defaults unless set in the environment); throws naming the variable when one is taken. */
export async function choosePorts(env: NodeJS.ProcessEnv = process.env): Promise<DemoPorts> {
  const chosen = {} as DemoPorts;
  const busy: string[] = [];
  for (const p of PORTS) {
    const port = Number(env[p.variable] ?? p.fallback);
    chosen[p.variable] = port;
    if (!(await isFree(port))) busy.push(`port ${port} (${p.what}) is in use: set ${p.variable} to a free port, e.g. \`${p.variable}=${port + 10} npm run demo\``);
  }
  if (busy.length) throw new Error(busy.join('\n'));
  return chosen;
}

function isFree(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const srv = createServer();
    srv.once('error', () => resolve(false));
    srv.listen(port, '127.0.0.1', () => srv.close(() => resolve(true)));
  });
}

/** `issueflow start` (the compiled CLI) as a child in its own process group, its output in `logFile`. */
export class IssueflowService {
  private readonly child: ChildProcess;
  readonly exited: Promise<number | null>;

  constructor(env: Record<string, string>, readonly logFile: string) {
    const out = openSync(logFile, 'w');
    let cli: Record<string, string> = {};
    try {
      // pip may put `temporal` in Python's scripts folder without it being on PATH; issueflow then needs its path.
      cli = { TEMPORAL_CLI_PATH: temporalCliPath() };
    } catch {
      // not installed: issueflow's own message names the ways to provide it
    }
    this.child = spawn(process.execPath, [join(ROOT, 'dist', 'cli', 'main.js'), 'start'], {
      cwd: ROOT,
      env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '/tmp', ...cli, ...env },
      detached: true,
      stdio: ['ignore', out, out],
    });
    closeSync(out);
    this.exited = new Promise((resolve) => this.child.once('exit', (code) => resolve(code)));
  }

  /** The last lines issueflow logged (for failures). */
  logTail(lines = 25): string {
    return readFileSync(this.logFile, 'utf8').trimEnd().split('\n').slice(-lines).join('\n');
  }

  /** Waits until `GET /health/ready` answers 200; throws with the log's tail when issueflow exits or takes too long. */
  async waitUntilReady(apiUrl: string, timeoutMs = 180_000): Promise<void> {
    let exitCode: number | null | undefined;
    void this.exited.then((code) => (exitCode = code));
    const started = Date.now();
    for (;;) {
      if (exitCode !== undefined) throw new Error(`issueflow exited (${exitCode}) before it was ready:\n${this.logTail()}`);
      const ready = await fetch(`${apiUrl}/health/ready`).then((r) => r.status === 200, () => false);
      if (ready) return;
      if (Date.now() - started > timeoutMs) throw new Error(`issueflow was not ready within ${timeoutMs / 1000} s:\n${this.logTail()}`);
      await new Promise((r) => setTimeout(r, 300));
    }
  }

  /** SIGTERM: issueflow stops its API, workers, Temporal and PostgreSQL itself; after `timeoutMs` the whole group is killed. */
  async stop(timeoutMs = 60_000): Promise<number | null> {
    if (this.child.exitCode !== null || this.child.signalCode !== null) return this.child.exitCode;
    this.child.kill('SIGTERM');
    const timer = new Promise<'timeout'>((r) => setTimeout(() => r('timeout'), timeoutMs).unref());
    if ((await Promise.race([this.exited, timer])) === 'timeout') this.kill();
    const code = await this.exited;
    this.kill(); // anything of the group still alive after issueflow exited
    return code;
  }

  /** SIGKILL to the whole process group (issueflow, the Temporal dev server, PostgreSQL, any agent). */
  kill(): void {
    try {
      process.kill(-this.child.pid!, 'SIGKILL');
    } catch {
      // already gone
    }
  }
}
