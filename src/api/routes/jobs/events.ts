import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { WorkflowNotFoundError, type Client } from '@temporalio/client';
import { Type } from 'typebox';
import type { Pool } from 'pg';
import type { IssueStatus } from '../../../domain/status';
import { readRunLogs } from '../../../store/run-logs-read';
import { apiError, apiErrorSchema } from '../../errors';
import type { LogNotifier } from '../../log-notifier';
import { idParams, jobId, queryStatus } from './shared';

export interface JobEventsOptions {
  client: Client;
  pool: Pool;
  notifier: LogNotifier;
  /** How often the status query is polled for state changes (ms). */
  pollMs?: number;
  heartbeatMs?: number;
}

/**
 * `GET /jobs/:id/events`: Server-Sent Events. `log` events carry run-log lines with their id as
 * the event id (so `Last-Event-ID` resumes after the last line seen); `state` events carry the
 * status query's answer whenever the state or step changes. Lines arrive through LISTEN run_log.
 */
export const jobEventsRoute: FastifyPluginAsyncTypebox<JobEventsOptions> = async (app, { client, pool, notifier, pollMs = 500, heartbeatMs = 15000 }) => {
  const schema = {
    tags: ['jobs'],
    summary: 'Stream state changes and log lines (text/event-stream)',
    description: 'Events: `state` (data: IssueStatus JSON), `log` (id: line id, data: run-log line JSON). Comment lines `: ping` keep the connection open. Send Last-Event-ID to resume after a log line.',
    params: idParams,
    headers: Type.Object({ 'last-event-id': Type.Optional(Type.String()) }),
    response: { 200: Type.String({ description: 'text/event-stream' }), 400: apiErrorSchema, 404: apiErrorSchema },
  };

  // Open streams would keep app.close() waiting for ever: end them when the server shuts down.
  const open = new Set<() => void>();
  app.addHook('preClose', async () => {
    for (const end of open) end();
  });

  app.get('/:id/events', { schema }, async (request, reply) => {
    const id = jobId(request.params.id, reply);
    if (!id) return reply;
    try {
      await client.workflow.getHandle(id).describe();
    } catch (error) {
      if (error instanceof WorkflowNotFoundError) return reply.code(404).send(apiError('job_not_found', `No workflow ${id}; list jobs with GET /jobs.`));
      throw error;
    }
    const resume = Number(request.headers['last-event-id']);
    let lastLogId = Number.isSafeInteger(resume) && resume > 0 ? resume : 0;
    let lastState = '';
    let closed = false;

    reply.hijack();
    const out = reply.raw;
    out.writeHead(200, { 'content-type': 'text/event-stream; charset=utf-8', 'cache-control': 'no-cache', connection: 'keep-alive', 'x-accel-buffering': 'no' });
    out.write('retry: 2000\n\n');
    const send = (event: string, data: unknown, eventId?: number) => {
      if (!closed) out.write(`${eventId === undefined ? '' : `id: ${eventId}\n`}event: ${event}\ndata: ${JSON.stringify(data)}\n\n`);
    };

    // One read at a time; a notification during a read asks for one more read after it.
    let reading: Promise<void> | undefined;
    let again = false;
    const readLogs = (): void => {
      if (reading) {
        again = true;
        return;
      }
      reading = (async () => {
        do {
          again = false;
          let page;
          do {
            page = await readRunLogs(pool, id, { after: lastLogId, limit: 500 });
            for (const line of page.lines) send('log', line, line.id);
            if (page.lines.length) lastLogId = page.lines[page.lines.length - 1].id;
          } while (page.nextCursor && !closed);
        } while (again && !closed);
      })()
        .catch((err: unknown) => request.log.warn({ err, workflowId: id }, 'event stream: reading logs failed'))
        .finally(() => (reading = undefined));
    };

    let polling = false;
    let ticks = 0;
    const poll = async () => {
      if (polling || closed) return;
      polling = true;
      try {
        const { status } = await queryStatus(client, id, { timeoutMs: Math.max(pollMs - 100, 500), maxAgeMs: pollMs - 50 });
        if (status) {
          const key = stateKey(status);
          if (key !== lastState) {
            lastState = key;
            send('state', status);
          }
        }
        if (++ticks % 5 === 0) readLogs(); // in case a notification was missed (reconnect)
      } finally {
        polling = false;
      }
    };

    const unsubscribe = await notifier.subscribe(id, readLogs);
    const pollTimer = setInterval(() => void poll(), pollMs);
    const pingTimer = setInterval(() => !closed && out.write(': ping\n\n'), heartbeatMs);
    const end = () => {
      if (closed) return;
      closed = true;
      open.delete(end);
      clearInterval(pollTimer);
      clearInterval(pingTimer);
      unsubscribe();
      out.end();
    };
    open.add(end);
    request.raw.on('close', end);
    readLogs();
    void poll();
  });
};

function stateKey(s: IssueStatus): string {
  const last = s.steps?.[s.steps.length - 1];
  return JSON.stringify([s.state, s.pendingQuestion ?? null, s.steps?.length ?? 0, last?.state ?? null, s.pullRequest?.number ?? null]);
}
