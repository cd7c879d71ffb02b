import { createServer, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

/** A smee.io-compatible channel: GET streams Server-Sent Events; each message is the delivery's headers plus its parsed body. */
export async function smeeChannel() {
  const streams: ServerResponse[] = [];
  let connected: () => void = () => undefined;
  const ready = new Promise<void>((resolve) => (connected = resolve));
  const server: Server = createServer((req, res) => {
    res.writeHead(200, { 'content-type': 'text/event-stream', 'cache-control': 'no-cache', connection: 'keep-alive' });
    res.write('event: ready\ndata: {}\n\n');
    streams.push(res);
    connected();
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    server,
    ready,
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/Xy12channel`,
    /** What smee.io sends for a POST it received: GitHub's headers, the body as JSON, the query. */
    publish(headers: Record<string, string>, body: unknown) {
      const message = { ...headers, host: 'smee.io', 'content-type': 'application/json', body, query: {}, timestamp: Date.now() };
      for (const s of streams) s.write(`id: ${Date.now()}\ndata: ${JSON.stringify(message)}\n\n`);
    },
    close() {
      for (const s of streams) s.end();
      server.closeAllConnections();
      server.close();
    },
  };
}

export type SmeeChannel = Awaited<ReturnType<typeof smeeChannel>>;
