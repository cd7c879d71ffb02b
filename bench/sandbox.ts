// What the sandbox costs an agent run. Run:
//   node -r ./bench/register.js bench/sandbox.ts
// Optional: BENCH_RUNS=30. Starts the same command N times directly and N times inside the sandbox
// (bubblewrap + the egress relays, with one allowed loopback endpoint like a provider's base URL) and
// prints the start-to-exit time of each: `true` (pure start overhead) and `node -e 0` (a Node agent's floor).
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { cpus, tmpdir } from 'node:os';
import { join } from 'node:path';
import pino from 'pino';
import { loadConfig } from '../src/config';
import { runSupervised } from '../src/activities/process/supervised-process';
import { probeSandbox, sandboxCommand } from '../src/activities/sandbox';

const RUNS = Number(process.env.BENCH_RUNS ?? 30);
const logger = pino({ level: 'silent' });
const pool = { query: async () => ({ rows: [] }) } as never;

const pct = (xs: number[], p: number) => [...xs].sort((a, b) => a - b)[Math.min(xs.length - 1, Math.floor((p / 100) * xs.length))];

async function main(): Promise<void> {
  const status = probeSandbox();
  if (!status.available) throw new Error(`no sandbox on this machine: ${status.reason}`);
  const dataDir = mkdtempSync(join(tmpdir(), 'issueflow-bench-sandbox-'));
  const worktree = join(dataDir, 'worktrees', 'acme', 'tiny', 'issue-1');
  mkdirSync(worktree, { recursive: true });
  const config = loadConfig({ ISSUEFLOW_DATA_DIR: dataDir });
  const provider = createServer((s) => s.end()).listen(0, '127.0.0.1');
  await new Promise((r) => provider.once('listening', r));
  const port = (provider.address() as { port: number }).port;
  const env = { PATH: process.env.PATH ?? '/usr/bin:/bin' };
  const run = async (file: string, args: string[], sandboxed: boolean) => {
    const started = process.hrtime.bigint();
    const boxed = sandboxed
      ? await sandboxCommand(config, logger, { file, args, cwd: worktree, env, home: join(dataDir, 'homes', 'h'), network: { kind: 'allow', endpoints: [{ host: '127.0.0.1', port }] } })
      : { file, args, env, close: async () => undefined };
    const r = await runSupervised({ file: boxed.file, args: boxed.args, cwd: worktree, env: boxed.env, hardTimeoutMs: 30_000, log: { pool, workflowId: 'bench', step: 'bench', secrets: [] } }).finally(() => boxed.close());
    if (r.exitCode !== 0) throw new Error(`exit ${r.exitCode}: ${r.tail}`);
    return Number(process.hrtime.bigint() - started) / 1e6;
  };
  try {
    console.log(`sandbox bench: ${RUNS} runs each, alternating, on ${cpus().length} cores`);
    for (const [label, file, args] of [['true', '/bin/true', []], ['node -e 0', process.execPath, ['-e', '0']]] as const) {
      const times = { direct: [] as number[], sandboxed: [] as number[] };
      for (let i = 0; i < RUNS; i++) {
        times.direct.push(await run(file, [...args], false));
        times.sandboxed.push(await run(file, [...args], true));
      }
      const line = (k: 'direct' | 'sandboxed') => `p50 ${pct(times[k], 50).toFixed(1)} ms, p90 ${pct(times[k], 90).toFixed(1)} ms`;
      console.log(`${label.padEnd(10)} direct: ${line('direct')} | sandboxed: ${line('sandboxed')} | overhead p50 ${(pct(times.sandboxed, 50) - pct(times.direct, 50)).toFixed(1)} ms`);
    }
  } finally {
    provider.close();
    rmSync(dataDir, { recursive: true, force: true });
  }
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
