// The load generator, in a process of its own (forked by bench/load/load-client.ts), so the event loop
// it measures is not the one that sends. Takes LoadJobs over IPC, answers LoadResults.
import { Agent, request } from 'node:http';
import type { LoadJob, LoadRequest, LoadResult } from './load-job';

const agent = new Agent({ keepAlive: true, maxSockets: 256 });

function send(url: URL, r: LoadRequest): Promise<number> {
  return new Promise((resolve, reject) => {
    const req = request({ host: url.hostname, port: url.port, path: r.path, method: 'POST', agent, headers: { ...r.headers, 'content-length': Buffer.byteLength(r.body) } }, (res) => {
      res.resume();
      res.on('end', () => resolve(res.statusCode ?? 0));
      res.on('error', reject);
    });
    req.on('error', reject);
    req.end(r.body);
  });
}

async function run(job: LoadJob): Promise<LoadResult> {
  const url = new URL(job.url);
  const latencies: number[] = [];
  const errors: string[] = [];
  const one = async (r: LoadRequest) => {
    const t = performance.now();
    try {
      const status = await send(url, r);
      if (status === job.expectStatus) latencies.push(performance.now() - t);
      else errors.push(`answered ${status}`);
    } catch (error) {
      errors.push(String(error));
    }
  };
  const t0 = performance.now();
  if (job.kind === 'closed') {
    let next = 0;
    await Promise.all(Array.from({ length: job.concurrency }, async () => {
      while (next < job.requests.length) await one(job.requests[next++]);
    }));
  } else {
    // Open loop: each request leaves at its time whether or not the earlier ones were answered.
    await Promise.all(job.requests.map(async (r, i) => {
      const wait = t0 + (i * 1000) / job.rate - performance.now();
      if (wait > 0) await new Promise((resolve) => setTimeout(resolve, wait));
      await one(r);
    }));
  }
  return { latencies, wallMs: performance.now() - t0, errors: errors.slice(0, 5) };
}

process.on('message', (job: LoadJob) => {
  run(job).then((result) => process.send!(result), (error: unknown) => process.send!({ latencies: [], wallMs: 0, errors: [String(error)] }));
});
process.on('disconnect', () => process.exit(0));
