// What starting a command costs the event loop of the process that starts it. Run:
//   node -r ./bench/register.js bench/spawn.ts
// Optional: BENCH_RUNS=30. Grows this process's memory to a worker's size in steps, and at each size times the
// synchronous part of `child_process.spawn` (the fork: it copies the page tables) for `git --version`, then the
// same command through the helper process that git's commands go through (src/activities/process/spawner.ts),
// where the worker only sends a message.
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { cpus, tmpdir } from 'node:os';
import { runCommand, stopCommandHelper } from '../src/activities/process/spawner';

const RUNS = Number(process.env.BENCH_RUNS ?? 30);
const p50 = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

async function main(): Promise<void> {
  const held: Buffer[] = [];
  console.log(`| RSS (MB) | spawn from this process, p50 (ms) | event loop held per command via the helper, p50 (ms) |\n| --- | --- | --- |`);
  for (const grow of [0, 200, 400]) {
    for (let i = 0; i < grow; i++) held.push(Buffer.alloc(1 << 20, 1));
    const direct: number[] = [];
    const helped: number[] = [];
    for (let i = 0; i < RUNS; i++) {
      const t = performance.now();
      const child = spawn('git', ['--version'], { stdio: 'ignore' });
      direct.push(performance.now() - t);
      await once(child, 'exit');
      const u = performance.now();
      const done = runCommand({ file: 'git', args: ['--version'], cwd: tmpdir(), env: { PATH: process.env.PATH ?? '' }, timeoutMs: 10_000 });
      helped.push(performance.now() - u);
      await done;
    }
    console.log(`| ${Math.round(process.memoryUsage().rss / 1e6)} | ${p50(direct).toFixed(2)} | ${p50(helped).toFixed(2)} |`);
  }
  stopCommandHelper();
  console.log(`\n${cpus().length} cores (${cpus()[0]?.model}), node ${process.version}, ${RUNS} runs each`);
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
