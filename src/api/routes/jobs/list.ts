import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import type { Client } from '@temporalio/client';
import { Type } from 'typebox';
import { REPO_ATTR, STATE_ATTR } from '../../../domain/search-attributes';
import { ISSUE_STATES } from '../../../domain/states';
import { executionInfoFromRaw } from '../../../infra/temporal-internals';
import { apiError, apiErrorSchema } from '../../errors';
import { ISSUE_WORKFLOW_TYPE } from '../../issue-workflows';
import { StringEnum } from '../string-enum';
import { jobSummarySchema, toSummary } from './shared';

const querystring = Type.Object(
  {
    repo: Type.Optional(Type.String({ pattern: '^[A-Za-z0-9_.-]+/[A-Za-z0-9_.-]+$', description: 'owner/repo' })),
    state: Type.Optional(StringEnum(ISSUE_STATES)),
    pageSize: Type.Optional(Type.Integer({ minimum: 1, maximum: 200, default: 50 })),
    pageToken: Type.Optional(Type.String({ description: 'nextPageToken of the previous page' })),
  },
  { additionalProperties: false },
);

const listResponse = Type.Object({ jobs: Type.Array(jobSummarySchema), nextPageToken: Type.Optional(Type.String()) });

/** The visibility query for issue workflows, by repository and state (search attributes). Values are validated above. */
function jobsQuery(filter: { repo?: string; state?: string }): string {
  const parts = [`WorkflowType = '${ISSUE_WORKFLOW_TYPE}'`];
  if (filter.repo) parts.push(`${REPO_ATTR.name} = '${filter.repo}'`);
  if (filter.state) parts.push(`${STATE_ATTR.name} = '${filter.state}'`);
  return parts.join(' AND ');
}

/** `GET /jobs`: issue workflows from Temporal visibility, newest first, one page at a time. */
export const listJobsRoute: FastifyPluginAsyncTypebox<{ client: Client }> = async (app, { client }) => {
  app.get('', { schema: { tags: ['jobs'], summary: 'List issue workflows', querystring, response: { 200: listResponse, 400: apiErrorSchema } } }, async (request, reply) => {
    const q = request.query;
    const { namespace, loadedDataConverter } = client.workflow.options;
    let res;
    try {
      res = await client.workflowService.listWorkflowExecutions({
        namespace,
        pageSize: q.pageSize,
        nextPageToken: q.pageToken ? Buffer.from(q.pageToken, 'base64url') : undefined,
        query: jobsQuery(q),
      });
    } catch (error) {
      if ((error as { code?: number }).code === 3) return reply.code(400).send(apiError('invalid_page_token', 'The pageToken is not valid; start again without it.'));
      throw error;
    }
    const jobs = await Promise.all(res.executions.map(async (raw) => toSummary(await executionInfoFromRaw(raw, loadedDataConverter, raw, namespace))));
    const token = res.nextPageToken?.length ? Buffer.from(res.nextPageToken).toString('base64url') : undefined;
    return { jobs, ...(token ? { nextPageToken: token } : {}) };
  });
};
