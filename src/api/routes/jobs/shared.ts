import type { Client, WorkflowExecutionInfo } from '@temporalio/client';
import type { FastifyReply } from 'fastify';
import { Type, type Static } from 'typebox';
import { parseIssueWorkflowId } from '../../../domain/ids';
import { COST_ATTR, ISSUE_ATTR, REPO_ATTR, STATE_ATTR } from '../../../domain/search-attributes';
import type { IssueStatus } from '../../../domain/status';
import { apiError } from '../../errors';
import { statusQuery } from '../../../workflows/messages';

/** `:id` is an issue workflow id, url-encoded: `owner%2Frepo%23n`. */
export const idParams = Type.Object({
  id: Type.String({ description: 'Issue workflow id `owner/repo#n`, url-encoded (`owner%2Frepo%23n`).' }),
});

/** One issue workflow as `GET /jobs` lists it. */
export const jobSummarySchema = Type.Object({
  workflowId: Type.String(),
  runId: Type.String(),
  repo: Type.Optional(Type.String()),
  issueNumber: Type.Optional(Type.Integer()),
  state: Type.Optional(Type.String({ description: 'issueflow state (IssueflowState search attribute)' })),
  costUsd: Type.Optional(Type.Number({ description: 'agent cost so far, USD (IssueflowCostUsd search attribute; issues with a budget)' })),
  status: Type.String({ description: 'Temporal execution status: RUNNING, COMPLETED, CANCELLED, ...' }),
  startTime: Type.String({ format: 'date-time' }),
  closeTime: Type.Optional(Type.String({ format: 'date-time' })),
});

/** One issue workflow as `GET /jobs` lists it, as its schema says. */
export type JobSummary = Static<typeof jobSummarySchema>;

export function toSummary(info: Pick<WorkflowExecutionInfo, 'workflowId' | 'runId' | 'typedSearchAttributes' | 'status' | 'startTime' | 'closeTime'>): JobSummary {
  const sa = info.typedSearchAttributes;
  return {
    workflowId: info.workflowId,
    runId: info.runId,
    repo: sa.get(REPO_ATTR),
    issueNumber: sa.get(ISSUE_ATTR),
    state: sa.get(STATE_ATTR),
    costUsd: sa.get(COST_ATTR),
    status: info.status.name,
    startTime: info.startTime.toISOString(),
    closeTime: info.closeTime?.toISOString(),
  };
}

/** The workflow id of `:id`, or a 400 sent and undefined. */
export function jobId(id: string, reply: FastifyReply): string | undefined {
  if (parseIssueWorkflowId(id)) return id;
  void reply.code(400).send(apiError('invalid_job_id', `"${id.slice(0, 100)}" is not an issue workflow id; use owner/repo#n, url-encoded (owner%2Frepo%23n).`));
  return undefined;
}

type StatusAnswer = { status?: IssueStatus; error?: string };
/** Per client, per issue: the query in flight, or its answer while it is young enough to share. */
const shared = new WeakMap<Client, Map<string, Promise<StatusAnswer>>>();

/**
 * The workflow's status query, or undefined when no worker answers within `timeoutMs` (or it failed). Readers that
 * accept an answer `maxAgeMs` old (the live events' pollers) share one query in flight and its answer per issue and
 * API process: N open pages of an issue cost its worker 2 queries a second, not 2N. A query of an issue that is not in
 * the worker's cache replays its whole history (README, "Known limit").
 */
export function queryStatus(client: Client, workflowId: string, { timeoutMs = 2000, maxAgeMs = 0 } = {}): Promise<StatusAnswer> {
  // A one-time reader (GET /jobs/:id, the dashboard) asks afresh: a query in flight may have left before its change.
  if (maxAgeMs <= 0) return askStatus(client, workflowId, timeoutMs);
  let byId = shared.get(client);
  if (!byId) shared.set(client, (byId = new Map()));
  const held = byId.get(workflowId);
  if (held) return held;
  const answer = askStatus(client, workflowId, timeoutMs);
  byId.set(workflowId, answer);
  void answer.then(() => setTimeout(() => byId.get(workflowId) === answer && byId.delete(workflowId), maxAgeMs).unref());
  return answer;
}

async function askStatus(client: Client, workflowId: string, timeoutMs: number): Promise<StatusAnswer> {
  try {
    const status = await client.connection.withDeadline(Date.now() + timeoutMs, () => client.workflow.getHandle(workflowId).query(statusQuery));
    return { status };
  } catch (error) {
    return { error: (error as Error).message.split('\n')[0] };
  }
}
