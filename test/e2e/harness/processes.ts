import type { Client } from '@temporalio/client';
import { buildOnce, spawnIssueflow, waitForStatus, type ServiceProcess } from '../../support/service-process';

/** Compiles src/ to dist/ when a source is newer than dist/ (saves ~20 s a suite), one compiler at a time. */
export const buildIfStale = buildOnce;

/** One `issueflow api` or `issueflow worker` process, restartable. */
export class IssueflowProcess {
  private current: ServiceProcess;
  private earlierOutput = '';

  constructor(
    readonly command: 'api' | 'worker',
    private env: Record<string, string>,
  ) {
    this.current = spawnIssueflow([command], env);
  }

  get pid(): number {
    return this.current.child.pid!;
  }

  /** Everything the process (and its earlier incarnations) printed. */
  output(): string {
    return this.earlierOutput + this.current.output();
  }

  get exited(): Promise<number | null> {
    return this.current.exited;
  }

  /**
   * Stops the process: SIGTERM (graceful, as systemd or docker would) or SIGKILL (a crash: sent to the
   * whole process group, so the agent and test children die with it as they would with the machine).
   */
  async kill(signal: 'SIGTERM' | 'SIGKILL' = 'SIGTERM', timeoutMs = 30_000): Promise<number | null> {
    const { child } = this.current;
    if (child.exitCode !== null || child.signalCode !== null) return child.exitCode;
    if (signal === 'SIGKILL') process.kill(-child.pid!, 'SIGKILL');
    else child.kill('SIGTERM');
    const timer = new Promise<'timeout'>((r) => setTimeout(() => r('timeout'), timeoutMs).unref());
    const code = await Promise.race([this.current.exited, timer]);
    if (code === 'timeout') {
      process.kill(-child.pid!, 'SIGKILL');
      return this.current.exited;
    }
    return code;
  }

  /** Starts the process again (after `kill`) with the same environment, changed by `envChanges` from now on (an upgrade). */
  restart(envChanges: Record<string, string> = {}): void {
    this.env = { ...this.env, ...envChanges };
    this.earlierOutput += `${this.current.output()}\n--- restarted ---\n`;
    this.current = spawnIssueflow([this.command], this.env);
  }
}

/** Waits until the API answers ready. */
export async function waitForApi(api: IssueflowProcess, baseUrl: string, timeoutMs = 60_000): Promise<void> {
  await Promise.race([
    waitForStatus(`${baseUrl}/health/ready`, 200, timeoutMs, () => api.output()),
    api.exited.then((code) => Promise.reject(new Error(`issueflow api exited (${code}) before it was ready:\n${api.output()}`))),
  ]);
}

/**
 * Waits until this worker process polls all of its task queues (workflow tasks on the main queue come
 * last: the workflow bundle is built first). Pollers are matched by the SDK's identity `<pid>@<host>`,
 * so a killed predecessor's lingering pollers do not count.
 */
export async function waitForWorker(worker: IssueflowProcess, client: Client, queues: { main: string; writes: string; agents: string }, timeoutMs = 90_000): Promise<void> {
  const started = Date.now();
  const checks: Array<[string, number]> = [
    [queues.main, 1],
    [queues.main, 2],
    [queues.writes, 2],
    [queues.agents, 2],
  ];
  let exited: number | null | undefined;
  void worker.exited.then((code) => (exited = code));
  for (;;) {
    if (exited !== undefined) throw new Error(`issueflow worker exited (${exited}) before it polled:\n${worker.output()}`);
    const polled = await Promise.all(
      checks.map(async ([name, type]) => {
        const res = await client.workflowService.describeTaskQueue({ namespace: 'default', taskQueue: { name, kind: 1 }, taskQueueType: type });
        return (res.pollers ?? []).some((p) => (p.identity ?? '').startsWith(`${worker.pid}@`));
      }),
    );
    if (polled.every(Boolean)) return;
    if (Date.now() - started > timeoutMs) throw new Error(`issueflow worker did not poll within ${timeoutMs} ms. Output:\n${worker.output()}`);
    await new Promise((r) => setTimeout(r, 250));
  }
}
