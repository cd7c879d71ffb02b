import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from 'typebox';
import type { Pool } from 'pg';
import { readRunLogs } from '../../../store/run-logs-read';
import { apiErrorSchema } from '../../errors';
import { idParams, jobId } from './shared';

/** One line of agent or test output. */
export const runLogLineSchema = Type.Object({
  id: Type.Integer(),
  step: Type.String(),
  stream: Type.String(),
  chunk: Type.String(),
  createdAt: Type.String({ format: 'date-time' }),
});

const querystring = Type.Object(
  {
    step: Type.Optional(Type.String({ maxLength: 100 })),
    cursor: Type.Optional(Type.Integer({ minimum: 0, description: 'nextCursor of the previous page' })),
    limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 1000, default: 200 })),
  },
  { additionalProperties: false },
);

const response = Type.Object({ lines: Type.Array(runLogLineSchema), nextCursor: Type.Optional(Type.Integer()) });

/** `GET /jobs/:id/logs`: agent and test output from the run log, paginated by line id. */
export const jobLogsRoute: FastifyPluginAsyncTypebox<{ pool: Pool }> = async (app, { pool }) => {
  app.get('/:id/logs', { schema: { tags: ['jobs'], summary: 'Read agent and test output', params: idParams, querystring, response: { 200: response, 400: apiErrorSchema } } }, async (request, reply) => {
    const id = jobId(request.params.id, reply);
    if (!id) return reply;
    const q = request.query;
    return readRunLogs(pool, id, { after: q.cursor, step: q.step, limit: q.limit });
  });
};
