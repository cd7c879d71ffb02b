import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { WorkflowHandleWithFirstExecutionRunId } from '@temporalio/client';
import { temporal } from '@temporalio/proto';
import { TypedSearchAttributes } from '@temporalio/common';
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import { ISSUEFLOW_SEARCH_ATTRIBUTES } from '../../../src/domain/search-attributes';
import { createTimeSkippingEnv } from '../../support/temporal';
import { bundleWorkflowCode, makeTelemetryFilterString, Runtime, DefaultLogger, Worker, type WorkflowBundleWithSourceMap } from '@temporalio/worker';
import type { IssueStatus } from '../../../src/domain/status';
import type { IssueWorkflowInput } from '../../../src/workflows/messages';
import { workflowStartOptions } from '../../../src/workflows/start-options';
import { HEARTBEAT_THROTTLE } from '../../../src/worker/workers';
import type { issueWorkflow } from '../../../src/workflows';
import type { MockActivities } from './mock-activities';

export const WORKFLOWS_PATH = require.resolve('../../../src/workflows');
export const HISTORIES_DIR = join(__dirname, '..', 'histories');

let bundle: Promise<WorkflowBundleWithSourceMap> | undefined;

/**
 * The time-skipping server with issueflow's search attributes: unlike the dev server, it takes no
 * `searchAttributes` option, so they are added through its OperatorService.
 */
export async function createIssueflowTestEnv(): Promise<TestWorkflowEnvironment> {
  Runtime.install({ logger: new DefaultLogger('ERROR'), telemetryOptions: { logging: { filter: makeTelemetryFilterString({ core: 'ERROR' }) } } });
  const env = await createTimeSkippingEnv();
  const searchAttributes: Record<string, temporal.api.enums.v1.IndexedValueType> = {};
  for (const key of ISSUEFLOW_SEARCH_ATTRIBUTES) {
    searchAttributes[key.name] = temporal.api.enums.v1.IndexedValueType[`INDEXED_VALUE_TYPE_${TypedSearchAttributes.toMetadataType(key.type).toUpperCase()}` as keyof typeof temporal.api.enums.v1.IndexedValueType];
  }
  await env.connection.operatorService.addSearchAttributes({ namespace: env.namespace ?? 'default', searchAttributes });
  return env;
}

/** One bundle per test file: webpack is the slow part of a Worker. */
export function workflowBundle(): Promise<WorkflowBundleWithSourceMap> {
  bundle ??= bundleWorkflowCode({ workflowsPath: WORKFLOWS_PATH, logger: new DefaultLogger('WARN') });
  return bundle;
}

let queues = 0;

/**
 * Runs `fn` while two Workers serve the mock: the main task queue (workflows and most activities)
 * and the GitHub writes queue, as in production.
 */
export async function withWorkers<T>(env: TestWorkflowEnvironment, mock: MockActivities, fn: (taskQueue: string) => Promise<T>): Promise<T> {
  const taskQueue = `issues-${process.pid}-${++queues}`;
  const activities = mock.activities();
  // Heartbeats leave as often as in the service, so a cancellation reaches a heartbeating mock as soon.
  const shared = { connection: env.nativeConnection, activities, ...HEARTBEAT_THROTTLE };
  const main = await Worker.create({ ...shared, taskQueue, workflowBundle: await workflowBundle() });
  const writes = await Worker.create({ ...shared, taskQueue: `${taskQueue}-github-writes` });
  const agents = await Worker.create({ ...shared, taskQueue: `${taskQueue}-agents` });
  const running = main.runUntil(writes.runUntil(agents.runUntil(fn(taskQueue))));
  const entry = { workers: [main, writes, agents], done: running.then(() => undefined, () => undefined) };
  strays.add(entry);
  return running.finally(() => strays.delete(entry));
}

/** The Workers of tests still running: a test that timed out leaves its `fn` pending and its Workers polling. */
const strays = new Set<{ workers: Worker[]; done: Promise<void> }>();

/**
 * Shuts down the Workers of a test that timed out. Without it the suite cannot close its connection
 * ("Workers hold a reference to it"), the Workers poll the stopped server forever and jest never exits.
 */
export async function stopStrayWorkers(): Promise<void> {
  const entries = [...strays];
  for (const { workers } of entries) for (const w of workers) if (w.getState() === 'RUNNING') w.shutdown();
  await Promise.all(entries.map((e) => e.done));
}

let issues = 0;

export function issueInput(overrides: Partial<IssueWorkflowInput> = {}): IssueWorkflowInput {
  return {
    owner: 'acme',
    repo: 'app',
    issueNumber: 7000 + ++issues,
    trigger: { deliveryId: `delivery-start-${issues}`, kind: 'labeled', actor: 'alice' },
    temporalUiUrl: 'http://localhost:8233',
    ...overrides,
  };
}

export type IssueHandle = WorkflowHandleWithFirstExecutionRunId<typeof issueWorkflow>;

/**
 * How long one status query (or describe) may take: on the time-skipping test server a query sent while a run
 * continues as new has hung (issue-workflow.budget.test.ts hung 2 runs in 11 so, its retry too); with a deadline
 * the poll asks again instead.
 */
const QUERY_DEADLINE_MS = 5_000;

const withinDeadline = <T>(handle: IssueHandle, call: () => Promise<T>): Promise<T> => handle.client.connection.withDeadline(Date.now() + QUERY_DEADLINE_MS, call);

/** The status query, typed. */
export function statusOf(handle: IssueHandle): Promise<IssueStatus> {
  return withinDeadline(handle, () => handle.query<IssueStatus, []>('status'));
}

export function startIssue(env: TestWorkflowEnvironment, taskQueue: string, input: IssueWorkflowInput): Promise<IssueHandle> {
  return env.client.workflow.start<typeof issueWorkflow>('issueWorkflow', { taskQueue, ...workflowStartOptions(input) });
}

/** Polls the status query until `ok` holds (real time: the test server does not skip while we poll). */
export async function waitForStatus(handle: IssueHandle, ok: (s: IssueStatus) => boolean, what = 'the expected status', ms = 20_000): Promise<IssueStatus> {
  const until = Date.now() + ms;
  let last: IssueStatus | undefined;
  while (Date.now() < until) {
    try {
      last = await statusOf(handle);
      if (ok(last)) {
        await statusWritten(handle, until);
        return last;
      }
    } catch {
      // the first workflow task may not have run yet
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`timed out waiting for ${what}; last status: ${JSON.stringify(last && { state: last.state, steps: last.steps.map((s) => s.step) })}`);
}

/** Polls `ok` until it holds: for what the workflow writes in the background (coalesced status writes). */
export async function eventually(what: string, ok: () => boolean, ms = 20_000): Promise<void> {
  for (const until = Date.now() + ms; !ok(); await new Promise((r) => setTimeout(r, 50))) {
    if (Date.now() > until) throw new Error(`timed out waiting for ${what}`);
  }
}

/**
 * Waits until no status write is in flight: with coalesced status writes the state shows in the query
 * before the `publishStatus` activity carrying its label and comments (a question, an escalation) ran.
 */
async function statusWritten(handle: IssueHandle, until: number): Promise<void> {
  while (Date.now() < until) {
    const { raw } = await withinDeadline(handle, () => handle.describe());
    if (!(raw.pendingActivities ?? []).some((a) => a.activityType?.name === 'publishStatus')) return;
    await new Promise((r) => setTimeout(r, 50));
  }
}

export const inState = (state: IssueStatus['state']) => (s: IssueStatus) => s.state === state;

const E = temporal.api.enums.v1.EventType;
/** Events that count as an "action" of a workflow (what a Temporal Cloud bill and the history budget count). */
export const ACTION_EVENTS = new Set<number>([
  E.EVENT_TYPE_WORKFLOW_EXECUTION_STARTED,
  E.EVENT_TYPE_ACTIVITY_TASK_SCHEDULED,
  E.EVENT_TYPE_TIMER_STARTED,
  E.EVENT_TYPE_WORKFLOW_EXECUTION_SIGNALED,
  E.EVENT_TYPE_UPSERT_WORKFLOW_SEARCH_ATTRIBUTES,
  E.EVENT_TYPE_WORKFLOW_PROPERTIES_MODIFIED,
  E.EVENT_TYPE_MARKER_RECORDED,
  E.EVENT_TYPE_START_CHILD_WORKFLOW_EXECUTION_INITIATED,
  E.EVENT_TYPE_SIGNAL_EXTERNAL_WORKFLOW_EXECUTION_INITIATED,
  E.EVENT_TYPE_WORKFLOW_EXECUTION_UPDATE_ACCEPTED,
  E.EVENT_TYPE_WORKFLOW_EXECUTION_CONTINUED_AS_NEW,
]);

export function countActions(history: temporal.api.history.v1.IHistory): { total: number; byType: Record<string, number> } {
  const byType: Record<string, number> = {};
  let total = 0;
  for (const ev of history.events ?? []) {
    if (ev.eventType == null || !ACTION_EVENTS.has(ev.eventType)) continue;
    total++;
    const name = E[ev.eventType].replace('EVENT_TYPE_', '');
    byType[name] = (byType[name] ?? 0) + 1;
  }
  return { total, byType };
}

/** With RECORD_HISTORIES=1, saves the history for the replay test (test/workflows/replay.test.ts). */
export async function recordHistory(handle: Pick<IssueHandle, 'fetchHistory'>, name: string): Promise<void> {
  if (!process.env.RECORD_HISTORIES) return;
  mkdirSync(HISTORIES_DIR, { recursive: true });
  const history = await handle.fetchHistory();
  writeFileSync(join(HISTORIES_DIR, `${name}.json`), historyAsJson(history));
}

// The SDK's historyToJSON trips over Jest's second copy of protobufjs ("type must be a Type"), so
// histories are stored with protobufjs' own object form: enums as names, int64 as strings.
const JSON_FORM = { enums: String, longs: String, bytes: String, defaults: false } as const;

export function historyAsJson(history: temporal.api.history.v1.IHistory): string {
  const message = temporal.api.history.v1.History.fromObject(history as Record<string, unknown>);
  return `${JSON.stringify(temporal.api.history.v1.History.toObject(message, JSON_FORM), null, 1)}\n`;
}

export function historyFromJson(json: string): temporal.api.history.v1.History {
  return temporal.api.history.v1.History.fromObject(JSON.parse(json));
}

/** The summaries that activities and timers show in the Temporal UI, in history order. */
export function userSummaries(history: temporal.api.history.v1.IHistory): string[] {
  const out: string[] = [];
  for (const ev of history.events ?? []) {
    const data = ev.userMetadata?.summary?.data;
    if (data) out.push(JSON.parse(Buffer.from(data).toString('utf8')) as string);
  }
  return out;
}

/** Registers the suite's time-skipping server (with the workflow bundle built once) and hands it over. */
export function useIssueflowTestEnv(set: (env: TestWorkflowEnvironment) => void): void {
  let env: TestWorkflowEnvironment | undefined;
  beforeAll(async () => {
    env = await createIssueflowTestEnv();
    await workflowBundle();
    set(env);
  }, 120_000);
  afterEach(() => stopStrayWorkers(), 30_000);
  afterAll(async () => {
    await stopStrayWorkers();
    await env?.teardown();
  }, 30_000);
}
