import { randomUUID } from 'node:crypto';
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { WorkflowNotFoundError, WorkflowUpdateRPCTimeoutOrCancelledError, type Client } from '@temporalio/client';
import { Type } from 'typebox';
import type { AgentCommandName } from '../../../domain/commands';
import type { IssueStatus } from '../../../domain/status';
import { commandSignal, feedbackSignal } from '../../../workflows/messages';
import { APPROVE_DEADLINE_MS, approveIssue } from '../../approve-issue';
import { apiError, apiErrorSchema } from '../../errors';
import type { ApiMetrics } from '../../metrics';
import { StringEnum } from '../string-enum';
import { idParams, jobId, jobSummarySchema, queryStatus, toSummary } from './shared';

const showResponse = Type.Object({
  ...jobSummarySchema.properties,
  historyLength: Type.Optional(Type.Integer()),
  issue: Type.Optional(Type.Unsafe<IssueStatus | null>({ type: 'object', additionalProperties: true, nullable: true, description: "The workflow's status query (IssueStatus)" })),
  issueError: Type.Optional(Type.String({ description: 'Why the status query did not answer (e.g. no worker running)' })),
});

/** What `POST /jobs/:id/signals/:name` sends: feedback, or one of the agent's commands. */
const SIGNAL_NAMES = ['feedback', 'approve', 'retry', 'cancel', 'budget'] as const satisfies ReadonlyArray<'feedback' | AgentCommandName>;

const signalParams = Type.Object({ ...idParams.properties, name: StringEnum(SIGNAL_NAMES) });

const signalBody = Type.Object(
  {
    body: Type.Optional(Type.String({ minLength: 1, maxLength: 65536, description: 'feedback: the answer or change request' })),
    args: Type.Optional(Type.String({ maxLength: 1000, description: 'approve/retry/cancel/budget: what follows the command (budget: `10 minutes=200`)' })),
    author: Type.Optional(Type.String({ maxLength: 100, description: 'who asks; defaults to "api"' })),
  },
  { additionalProperties: false },
);

const acceptedSchema = Type.Object({ workflowId: Type.String(), signal: Type.String(), deliveryId: Type.Optional(Type.String()) });

const approvedSchema = Type.Object({
  ...acceptedSchema.properties,
  approved: Type.Boolean(),
  state: Type.String({ description: 'the issue state when it was approved' }),
});

const notFound = (id: string) => apiError('job_not_found', `No workflow ${id}; list jobs with GET /jobs.`);

/** `GET|DELETE /jobs/:id` and `POST /jobs/:id/signals/:name`: one issue workflow. */
export const jobRoutes: FastifyPluginAsyncTypebox<{ client: Client; metrics: ApiMetrics }> = async (app, { client, metrics }) => {
  app.get('/:id', { schema: { tags: ['jobs'], summary: 'Show an issue workflow', params: idParams, response: { 200: showResponse, 400: apiErrorSchema, 404: apiErrorSchema } } }, async (request, reply) => {
    const id = jobId(request.params.id, reply);
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
    const id = jobId(request.params.id, reply);
    if (!id) return reply;
    try {
      await client.workflow.getHandle(id).cancel();
      return reply.code(202).send({ workflowId: id, signal: 'cancel' });
    } catch (error) {
      if (error instanceof WorkflowNotFoundError) return reply.code(404).send(notFound(id));
      throw error;
    }
  });

  app.post('/:id/signals/:name', { schema: { tags: ['jobs'], summary: 'Send feedback or a command to an issue workflow', description: 'approve answers at once: 200 when a plan was waiting, 409 when there was nothing to approve.', params: signalParams, body: signalBody, response: { 200: approvedSchema, 202: acceptedSchema, 400: apiErrorSchema, 404: apiErrorSchema, 409: apiErrorSchema, 504: apiErrorSchema } } }, async (request, reply) => {
    const { name } = request.params;
    const id = jobId(request.params.id, reply);
    if (!id) return reply;
    const body = request.body ?? {};
    const deliveryId = `api-${randomUUID()}`;
    const author = body.author ?? 'api';
    if (name === 'feedback' && !body.body?.trim()) return reply.code(400).send(apiError('invalid_request', 'feedback needs a non-empty "body".'));
    // The approve Update, not the command signal: the caller learns whether a plan was waiting.
    if (name === 'approve') {
      try {
        const outcome = await approveIssue(client, id, { deliveryId, author });
        if (outcome.approved) return reply.code(200).send({ workflowId: id, signal: name, deliveryId, approved: true, state: outcome.state });
        return reply.code(409).send(apiError('nothing_to_approve', `${outcome.reason}. Approve once the plan is posted and the issue is awaiting-approval (GET /jobs/:id shows the state).`));
      } catch (error) {
        if (error instanceof WorkflowNotFoundError) return reply.code(404).send(notFound(id));
        if (error instanceof WorkflowUpdateRPCTimeoutOrCancelledError) {
          const message = `No worker answered the approval within ${APPROVE_DEADLINE_MS / 1000} s: is the issueflow worker running? The approval may still take effect when one picks the issue up.`;
          return reply.code(504).send(apiError('no_worker_answered', message));
        }
        throw error;
      }
    }
    // Whoever holds the API token operates issueflow: their feedback counts as written with write access.
    const signal = name === 'feedback' ? feedbackSignal.name : commandSignal.name;
    try {
      const handle = client.workflow.getHandle(id);
      if (name === 'feedback') await handle.signal(feedbackSignal, { deliveryId, author, body: body.body!, trusted: true });
      else await handle.signal(commandSignal, { deliveryId, command: name, args: body.args ?? '', author, source: 'api' });
      metrics.workflowSignals.inc({ signal, source: 'api' });
      return reply.code(202).send({ workflowId: id, signal: name, deliveryId });
    } catch (error) {
      if (error instanceof WorkflowNotFoundError) return reply.code(404).send(notFound(id));
      throw error;
    }
  });
};
