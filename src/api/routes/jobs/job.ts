import { randomUUID } from 'node:crypto';
import { WorkflowNotFoundError, type Client } from '@temporalio/client';
import type { FastifyPluginAsync } from 'fastify';
import type { AgentCommandName } from '../../../domain/commands';
import type { CommandSignalArgs, FeedbackSignalArgs } from '../../../workflows/messages';
import { apiError, apiErrorSchema } from '../../errors';
import type { ApiMetrics } from '../../metrics';
import { idParams, jobId, jobSummarySchema, queryStatus, toSummary } from './shared';

const showResponse = {
  type: 'object',
  properties: {
    ...jobSummarySchema.properties,
    historyLength: { type: 'integer' },
    issue: { type: 'object', additionalProperties: true, nullable: true, description: "The workflow's status query (IssueStatus)" },
    issueError: { type: 'string', description: 'Why the status query did not answer (e.g. no worker running)' },
  },
  required: jobSummarySchema.required,
} as const;

const signalParams = {
  type: 'object',
  properties: { ...idParams.properties, name: { type: 'string', enum: ['feedback', 'approve', 'retry', 'cancel'] } },
  required: ['id', 'name'],
} as const;

const signalBody = {
  type: 'object',
  properties: {
    body: { type: 'string', minLength: 1, maxLength: 65536, description: 'feedback: the answer or change request' },
    args: { type: 'string', maxLength: 1000, description: 'approve/retry/cancel: what follows the command' },
    author: { type: 'string', maxLength: 100, description: 'who asks; defaults to "api"' },
  },
  additionalProperties: false,
} as const;

const acceptedSchema = {
  type: 'object',
  properties: { workflowId: { type: 'string' }, signal: { type: 'string' }, deliveryId: { type: 'string' } },
  required: ['workflowId', 'signal'],
} as const;

const notFound = (id: string) => apiError('job_not_found', `No workflow ${id}; list jobs with GET /jobs.`);

/** `GET|DELETE /jobs/:id` and `POST /jobs/:id/signals/:name`: one issue workflow. */
export const jobRoutes: FastifyPluginAsync<{ client: Client; metrics: ApiMetrics }> = async (app, { client, metrics }) => {
  app.get('/:id', { schema: { tags: ['jobs'], summary: 'Show an issue workflow', params: idParams, response: { 200: showResponse, 400: apiErrorSchema, 404: apiErrorSchema } } }, async (request, reply) => {
    const id = jobId((request.params as { id: string }).id, reply);
    if (!id) return reply;
    try {
      // Side by side: a reply's state change shows one round trip sooner (the query does not need the description).
      const [info, { status, error }] = await Promise.all([client.workflow.getHandle(id).describe(), queryStatus(client, id)]);
      return { ...toSummary(info), historyLength: info.historyLength, issue: status ?? null, ...(error ? { issueError: error } : {}) };
    } catch (error) {
      if (error instanceof WorkflowNotFoundError) return reply.code(404).send(notFound(id));
      throw error;
    }
  });

  app.delete('/:id', { schema: { tags: ['jobs'], summary: 'Cancel an issue workflow', params: idParams, response: { 202: acceptedSchema, 400: apiErrorSchema, 404: apiErrorSchema } } }, async (request, reply) => {
    const id = jobId((request.params as { id: string }).id, reply);
    if (!id) return reply;
    try {
      await client.workflow.getHandle(id).cancel();
      return reply.code(202).send({ workflowId: id, signal: 'cancel' });
    } catch (error) {
      if (error instanceof WorkflowNotFoundError) return reply.code(404).send(notFound(id));
      throw error;
    }
  });

  app.post('/:id/signals/:name', { schema: { tags: ['jobs'], summary: 'Send feedback or a command to an issue workflow', params: signalParams, body: signalBody, response: { 202: acceptedSchema, 400: apiErrorSchema, 404: apiErrorSchema } } }, async (request, reply) => {
    const { name } = request.params as { id: string; name: 'feedback' | AgentCommandName };
    const id = jobId((request.params as { id: string }).id, reply);
    if (!id) return reply;
    const body = (request.body ?? {}) as { body?: string; args?: string; author?: string };
    const deliveryId = `api-${randomUUID()}`;
    const author = body.author ?? 'api';
    if (name === 'feedback' && !body.body?.trim()) return reply.code(400).send(apiError('invalid_request', 'feedback needs a non-empty "body".'));
    // Whoever holds the API token operates issueflow: their feedback counts as written with write access.
    const [signal, args]: [string, CommandSignalArgs | FeedbackSignalArgs] =
      name === 'feedback' ? ['feedback', { deliveryId, author, body: body.body!, trusted: true }] : ['command', { deliveryId, command: name, args: body.args ?? '', author, source: 'api' }];
    try {
      await client.workflow.getHandle(id).signal(signal, args);
      metrics.workflowSignals.inc({ signal, source: 'api' });
      return reply.code(202).send({ workflowId: id, signal: name, deliveryId });
    } catch (error) {
      if (error instanceof WorkflowNotFoundError) return reply.code(404).send(notFound(id));
      throw error;
    }
  });
};
