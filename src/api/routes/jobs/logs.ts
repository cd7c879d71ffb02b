import type { FastifyPluginAsync } from 'fastify';
import type { Pool } from 'pg';
import { readRunLogs } from '../../../store/run-logs-read';
import { apiErrorSchema } from '../../errors';
import { idParams, jobId } from './shared';

export const runLogLineSchema = {
  type: 'object',
  properties: { id: { type: 'integer' }, step: { type: 'string' }, stream: { type: 'string' }, chunk: { type: 'string' }, createdAt: { type: 'string', format: 'date-time' } },
  required: ['id', 'step', 'stream', 'chunk', 'createdAt'],
} as const;

const querystring = {
  type: 'object',
  properties: {
    step: { type: 'string', maxLength: 100 },
    cursor: { type: 'integer', minimum: 0, description: 'nextCursor of the previous page' },
    limit: { type: 'integer', minimum: 1, maximum: 1000, default: 200 },
  },
  additionalProperties: false,
} as const;

const response = {
  type: 'object',
  properties: { lines: { type: 'array', items: runLogLineSchema }, nextCursor: { type: 'integer' } },
  required: ['lines'],
} as const;

/** `GET /jobs/:id/logs`: agent and test output from the run log, paginated by line id. */
export const jobLogsRoute: FastifyPluginAsync<{ pool: Pool }> = async (app, { pool }) => {
  app.get('/:id/logs', { schema: { tags: ['jobs'], summary: 'Read agent and test output', params: idParams, querystring, response: { 200: response, 400: apiErrorSchema } } }, async (request, reply) => {
    const id = jobId((request.params as { id: string }).id, reply);
    if (!id) return reply;
    const q = request.query as { step?: string; cursor?: number; limit: number };
    return readRunLogs(pool, id, { after: q.cursor, step: q.step, limit: q.limit });
  });
};
