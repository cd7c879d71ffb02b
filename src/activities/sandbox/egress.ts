import { createServer as createHttpServer, type IncomingMessage } from 'node:http';
import { connect, createServer, type Server, type Socket } from 'node:net';
import { mkdir, rm } from 'node:fs/promises';
import { join } from 'node:path';
import type { Logger } from '../../logger';
import { allows, isLoopback, type Endpoint } from './policy';

/** Where a port inside the sandbox leads: a Unix socket of the host, bound into the sandbox. */
export interface Forward {
  port: number;
  socket: string;
}

/** The host side of a sandbox's network: the sockets to bind in and the variables that point at them. */
export interface Egress {
  dir: string;
  forwards: Forward[];
  env: Record<string, string>;
  close(): Promise<void>;
}

/** The port of the proxy inside the sandbox (its own loopback: no clash with the host's ports). */
const PROXY_PORT = 3128;

const pipeBoth = (a: Socket, b: Socket) => {
  a.pipe(b).on('error', () => a.destroy());
  b.pipe(a).on('error', () => b.destroy());
  a.on('error', () => b.destroy());
  b.on('error', () => a.destroy());
  a.on('close', () => b.destroy());
  b.on('close', () => a.destroy());
};

/** A Unix socket that carries each connection to one host:port: a loopback endpoint, the same port inside. */
function portForward(target: Endpoint): Server {
  return createServer((client) => pipeBoth(client, connect(target.port, target.host)));
}

/**
 * An HTTP CONNECT proxy on a Unix socket that opens tunnels only to the allowed endpoints and answers
 * 403 to anything else, plain HTTP included (providers and registries speak HTTPS).
 */
function allowListProxy(endpoints: readonly Endpoint[], logger: Logger): Server {
  const server = createHttpServer((req, res) => {
    logger.warn({ url: req.url }, 'sandbox egress refused: plain HTTP');
    res.writeHead(403, { 'content-type': 'text/plain' }).end('issueflow sandbox: plain HTTP is not allowed; use HTTPS through CONNECT\n');
  });
  server.on('connect', (req: IncomingMessage, client: Socket, head: Buffer) => {
    const m = /^(\[[^\]]+\]|[^:]+):(\d+)$/.exec(req.url ?? '');
    const host = m?.[1] ?? '';
    const port = Number(m?.[2] ?? 0);
    if (!m || isLoopback(host.replace(/^\[|\]$/g, '')) || !allows(endpoints, host, port)) {
      logger.warn({ target: req.url }, 'sandbox egress refused: not on the allow-list');
      client.end('HTTP/1.1 403 Forbidden\r\ncontent-type: text/plain\r\n\r\nissueflow sandbox: this host is not on the allow-list\n');
      return;
    }
    const upstream = connect(port, host.replace(/^\[|\]$/g, ''), () => {
      client.write('HTTP/1.1 200 Connection Established\r\n\r\n');
      if (head.length) upstream.write(head);
      pipeBoth(client, upstream);
    });
    upstream.on('error', () => client.end('HTTP/1.1 502 Bad Gateway\r\n\r\n'));
  });
  return server;
}

const listen = (server: Server, path: string) =>
  new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(path, () => resolve());
  });

/** Closes a server and every connection still open through it (a run's tunnels end with the run). */
function closeAll(server: Server, open: Set<Socket>): Promise<void> {
  for (const s of open) s.destroy();
  return new Promise((resolve) => server.close(() => resolve()));
}

/**
 * Opens the relays of one sandboxed run in `dir`: a forward per loopback endpoint (same port inside)
 * and, when other endpoints are allowed, the allow-list proxy behind HTTPS_PROXY.
 */
export async function openEgress(dir: string, endpoints: readonly Endpoint[], logger: Logger): Promise<Egress> {
  await mkdir(dir, { recursive: true, mode: 0o700 });
  const servers: Server[] = [];
  const open = new Set<Socket>();
  const start = async (server: Server, socket: string) => {
    server.on('connection', (c: Socket) => open.add(c).size && c.on('close', () => open.delete(c)));
    servers.push(server);
    await listen(server, socket);
  };
  const forwards: Forward[] = [];
  const env: Record<string, string> = {};
  try {
    for (const e of endpoints.filter((x) => isLoopback(x.host))) {
      if (forwards.some((f) => f.port === e.port) || e.port === PROXY_PORT) continue;
      const socket = join(dir, `port-${e.port}.sock`);
      await start(portForward(e), socket);
      forwards.push({ port: e.port, socket });
    }
    const remote = endpoints.filter((x) => !isLoopback(x.host));
    if (remote.length) {
      const socket = join(dir, 'proxy.sock');
      await start(allowListProxy(remote, logger), socket);
      forwards.push({ port: PROXY_PORT, socket });
      const proxy = `http://127.0.0.1:${PROXY_PORT}`;
      Object.assign(env, { HTTPS_PROXY: proxy, https_proxy: proxy, HTTP_PROXY: proxy, http_proxy: proxy });
    }
    env.NO_PROXY = env.no_proxy = 'localhost,127.0.0.1,::1';
  } catch (err) {
    await Promise.all(servers.map((s) => closeAll(s, open)));
    throw err;
  }
  return {
    dir,
    forwards,
    env,
    close: async () => {
      await Promise.all(servers.map((s) => closeAll(s, open)));
      await rm(dir, { recursive: true, force: true });
    },
  };
}
