import { request, type ClientRequest } from 'node:http';

export interface SseEvent {
  id?: string;
  event: string;
  data: string;
  receivedAt: number;
}

/** A minimal streaming Server-Sent Events client on node:http, recording events and comment lines as they arrive. */
export function openEventStream(url: string, headers: Record<string, string>) {
  const events: SseEvent[] = [];
  const comments: string[] = [];
  let status = 0;
  let req: ClientRequest;
  let onEnd: () => void;
  const ended = new Promise<void>((r) => (onEnd = r));
  const ready = new Promise<void>((resolve, reject) => {
    req = request(url, { headers: { accept: 'text/event-stream', ...headers } }, (res) => {
      status = res.statusCode ?? 0;
      res.setEncoding('utf8');
      res.on('end', () => onEnd());
      res.on('close', () => onEnd());
      let buffer = '';
      res.on('data', (chunk: string) => {
        buffer += chunk;
        let end;
        while ((end = buffer.indexOf('\n\n')) >= 0) {
          const block = buffer.slice(0, end);
          buffer = buffer.slice(end + 2);
          const e: SseEvent = { event: 'message', data: '', receivedAt: Date.now() };
          let isEvent = false;
          for (const line of block.split('\n')) {
            if (line.startsWith(':')) comments.push(line);
            else if (line.startsWith('id: ')) e.id = line.slice(4);
            else if (line.startsWith('event: ')) {
              e.event = line.slice(7);
              isEvent = true;
            } else if (line.startsWith('data: ')) {
              e.data += line.slice(6);
              isEvent = true;
            }
          }
          if (isEvent) events.push(e);
        }
      });
      resolve();
    });
    req.on('error', reject);
    req.end();
  });
  return {
    events,
    comments,
    ready,
    /** Resolves when the server ends the stream. */
    ended,
    get status() {
      return status;
    },
    /** Resolves with the first event matching `pred` (already received or arriving within `ms`). */
    async waitFor(pred: (e: SseEvent) => boolean, ms = 5000): Promise<SseEvent> {
      const until = Date.now() + ms;
      for (;;) {
        const found = events.find(pred);
        if (found) return found;
        if (Date.now() > until) throw new Error(`no matching event within ${ms} ms; got ${JSON.stringify(events.map((e) => e.event + ':' + e.data.slice(0, 60)))}`);
        await new Promise((r) => setTimeout(r, 10));
      }
    },
    close: () => req.destroy(),
  };
}
