// Goal 7: `npm start` ready (GET /health/ready answers 200) in <= 8 s when nothing changed since the last
// build. A first start (which builds if anything changed, and creates the data dir) comes before the
// measured ones, so they measure a restart of an installed service. Anchor: a bare `node -e ''`.
import { spawn, spawnSync } from 'node:child_process';
import { chmodSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { freePort } from '../../test/support/ports';
import type { BenchOptions, Figure } from '../figure';
import { percentile } from '../load/load-job';

const ROOT = join(__dirname, '..', '..');
const READY_WITHIN_MS = 180_000;

async function serviceEnv(dataDir: string): Promise<Record<string, string>> {
  const ports = { PORT: await freePort(), TEMPORAL_UI_PORT: await freePort(), TEMPORAL_DEV_SERVER_PORT: await freePort(), ISSUEFLOW_EMBEDDED_PG_PORT: await freePort() };
  return {
    PATH: process.env.PATH ?? '',
    HOME: process.env.HOME ?? '/tmp',
    ...(process.env.TEMPORAL_CLI_PATH ? { TEMPORAL_CLI_PATH: process.env.TEMPORAL_CLI_PATH } : {}),
    ...Object.fromEntries(Object.entries(ports).map(([k, v]) => [k, String(v)])),
    ISSUEFLOW_DATA_DIR: dataDir,
    GITHUB_WEBHOOK_SECRET: 'bench-secret',
    ISSUEFLOW_API_TOKEN: 'bench-token',
    LOG_LEVEL: 'warn',
    SHUTDOWN_GRACE_SECONDS: '2',
  };
}

/** Runs `npm start` in its own process group; resolves with the ms until /health/ready answers 200, then stops it. */
async function timeStart(env: Record<string, string>): Promise<number> {
  const t0 = performance.now();
  const child = spawn('npm', ['start'], { cwd: ROOT, env, detached: true, stdio: ['ignore', 'ignore', 'pipe'] });
  let stderr = '';
  child.stderr!.on('data', (d) => (stderr = (stderr + d).slice(-4000)));
  const exited = new Promise<number | null>((resolve) => child.once('exit', resolve));
  let done = false;
  void exited.then(() => (done = true));
  try {
    for (;;) {
      if (done) throw new Error(`npm start exited before it was ready: ${stderr}`);
      if (performance.now() - t0 > READY_WITHIN_MS) throw new Error(`npm start not ready in ${READY_WITHIN_MS} ms: ${stderr}`);
      const ok = await fetch(`http://127.0.0.1:${env.PORT}/health/ready`).then((r) => r.ok, () => false);
      if (ok) return performance.now() - t0;
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
  } finally {
    if (!done) process.kill(-child.pid!, 'SIGTERM');
    await exited;
  }
}

/** Measures goal 7: `npm start` to ready with nothing changed since the last build, beside a bare `node -e ''`. */
export async function measure({ short }: BenchOptions): Promise<Figure[]> {
  const dataDir = mkdtempSync(join(tmpdir(), 'issueflow-bench-start-'));
  chmodSync(dataDir, 0o755);
  try {
    const env = await serviceEnv(dataDir);
    const first = await timeStart(env);
    const runs = short ? 1 : 3;
    const times: number[] = [];
    for (let i = 0; i < runs; i++) times.push(await timeStart(env));
    const nodeTimes = Array.from({ length: 5 }, () => {
      const t = performance.now();
      spawnSync(process.execPath, ['-e', '']);
      return performance.now() - t;
    });
    const ready = percentile(times, 50) / 1000;
    return [{
      id: 'start.ready',
      figure: '`npm start` to ready, nothing changed since the last build',
      goal: '<= 8 s',
      value: ready,
      unit: 's',
      met: short ? null : ready <= 8,
      anchor: { name: "node -e ''", value: percentile(nodeTimes, 50) / 1000, unit: 's' },
      note: `median of ${runs} restarts on one data dir; the first start (build if stale, new data dir) took ${(first / 1000).toFixed(1)} s`,
    }];
  } finally {
    rmSync(dataDir, { recursive: true, force: true });
  }
}
