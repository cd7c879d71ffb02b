import { createServer } from 'node:net';

/**
 * Ports are handed out below the kernel's ephemeral range (Linux: 32768-60999), so no outgoing connection
 * and no port-0 listener (a Temporal server's metrics, a test's own server) takes one between the moment it
 * is chosen and the moment its server binds it: a Temporal UI once failed to start with "address already in
 * use" on a port chosen a minute before from that range. Each Jest worker has its own block of them, so two
 * workers never choose the same one; within a block they are taken in turn.
 */
const FIRST = 20_000;
const BLOCK = 1_000;
const BLOCKS = 12; // up to 31,999
const blockStart = FIRST + (Number(process.env.JEST_WORKER_ID ?? 0) % BLOCKS) * BLOCK;
let next = Math.floor(Math.random() * BLOCK);

function isFree(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const srv = createServer();
    srv.once('error', () => resolve(false));
    srv.listen(port, '127.0.0.1', () => srv.close(() => resolve(true)));
  });
}

/** A port free on 127.0.0.1 now, that nothing else in this test run will be given. */
export async function freePort(): Promise<number> {
  for (let tries = 0; tries < BLOCK; tries++) {
    const port = blockStart + (next++ % BLOCK);
    if (await isFree(port)) return port;
  }
  throw new Error(`no free port in ${blockStart}-${blockStart + BLOCK - 1} on 127.0.0.1`);
}
