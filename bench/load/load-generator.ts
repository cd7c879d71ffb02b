// The load generator, in a process of its own (forked by bench/load/load-client.ts), so the event loop
// it measures is not the one that sends. Takes LoadJobs over IPC, answers LoadResults.
import { Agent, request } from 'node:http';
import { Client, Connection } from '@temporalio/client';
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

/** One Temporal client per server address, connected once (as the API's is), so no start pays for a connection. */
const clients = new Map<string, Promise<Client>>();
function clientOf(address: string): Promise<Client> {
  let c = clients.get(address);
  if (!c) clients.set(address, (c = Connection.connect({ address }).then((connection) => new Client({ connection }))));
  return c;
}

/** Sends `count` operations (`op(i)`), closed-loop at `concurrency` or open-loop at `rate`; times each. */
async function drive(count: number, pace: { concurrency: number } | { rate: number }, op: (i: number) => Promise<string | undefined>): Promise<LoadResult> {
  const latencies: number[] = [];
  const errors: string[] = [];
  const one = async (i: number) => {
    const t = performance.now();
    try {
      const error = await op(i);
      if (error === undefined) latencies.push(performance.now() - t);
      else errors.push(error);
    } catch (error) {
      errors.push(String(error));
    }
  };
  const t0 = performance.now();
  if ('concurrency' in pace) {
    let next = 0;
    await Promise.all(Array.from({ length: pace.concurrency }, async () => {
      while (next < count) await one(next++);
    }));
  } else {
    // Open loop: each request leaves at its time whether or not the earlier ones were answered.
    await Promise.all(Array.from({ length: count }, async (_, i) => {
      const wait = t0 + (i * 1000) / pace.rate - performance.now();
      if (wait > 0) await new Promise((resolve) => setTimeout(resolve, wait));
      await one(i);
    }));
  }
  return { latencies, wallMs: performance.now() - t0, errors: errors.slice(0, 5) };
}

async function run(job: LoadJob): Promise<LoadResult> {
  if (job.kind === 'starts') {
    const client = await clientOf(job.address);
    return drive(job.starts.length, job, async (i) => {
      const { workflowType, options } = job.starts[i];
      await client.workflow.start(workflowType, options);
      return undefined;
    });
  }
  const url = new URL(job.url);
  return drive(job.requests.length, job, async (i) => {
    const status = await send(url, job.requests[i]);
    return status === job.expectStatus ? undefined : `answered ${status}`;
  });
}

process.on('message', (job: LoadJob) => {
  run(job).then((result) => process.send!(result), (error: unknown) => process.send!({ latencies: [], wallMs: 0, errors: [String(error)] }));
});
process.on('disconnect', () => process.exit(0));
