import { fork, type ChildProcess } from 'node:child_process';
import { join } from 'node:path';
import type { LoadJob, LoadResult } from './load-job';

/** A forked load generator: `run` sends it a job and waits for its result; `close` ends the process. */
export interface LoadClient {
  run(job: LoadJob): Promise<LoadResult>;
  close(): void;
}

/** Forks bench/load/load-generator.ts (through bench/register.js, so TypeScript loads as in the runner). */
export async function forkLoadGenerator(): Promise<LoadClient> {
  const child: ChildProcess = fork(join(__dirname, 'load-generator.ts'), [], { execArgv: ['-r', join(__dirname, '..', 'register.js')], stdio: 'inherit' });
  await new Promise<void>((resolve, reject) => {
    child.once('spawn', resolve);
    child.once('error', reject);
  });
  return {
    run: (job) =>
      new Promise<LoadResult>((resolve, reject) => {
        const onExit = (code: number | null) => reject(new Error(`the load generator exited (${code}) during a job`));
        child.once('exit', onExit);
        child.once('message', (result) => {
          child.off('exit', onExit);
          resolve(result as LoadResult);
        });
        child.send(job);
      }),
    close: () => child.disconnect(),
  };
}
