import { Webhooks } from '@octokit/webhooks';
import type { Client } from '@temporalio/client';
import { defaultPayloadConverter } from '@temporalio/common';
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import { DefaultLogger, Runtime } from '@temporalio/worker';
import type { FastifyInstance } from 'fastify';
import pino from 'pino';
import { buildApp, type ApiServices } from '../../../src/api/app';
import type { ApiOptions } from '../../../src/api/api-options';
import { loadConfig, type Config } from '../../../src/config';
import { createTestDatabase, type TestDatabase } from '../../support/database';
import { createLocalEnv } from '../../support/temporal';

export const SECRET = 'test-webhook-secret-0123456789';
export const TOKEN = 'test-api-token-abcdefghijklmnop';
export const TASK_QUEUE = 'issueflow-api-test';
export const API_OPTIONS: ApiOptions = { appUserId: 999_001, appId: 77, rateLimitPerMinute: 1000 };

/** A config as loadConfig makes it from the environment, with test values. */
export function testConfig(env: Record<string, string> = {}): Config {
  return loadConfig({ GITHUB_WEBHOOK_SECRET: SECRET, ISSUEFLOW_API_TOKEN: TOKEN, TEMPORAL_TASK_QUEUE: TASK_QUEUE, TRIGGER_LABEL: 'agent', ...env });
}

/** Log lines the app wrote, as text, so tests can check what is (and is not) logged. */
export function captureLogger() {
  const lines: string[] = [];
  const logger = pino({ level: 'info' }, { write: (line: string) => void lines.push(line) });
  return { logger, lines };
}

export interface Harness {
  env: TestWorkflowEnvironment;
  db: TestDatabase;
  client: Client;
  config: Config;
  app: FastifyInstance;
  logs: string[];
  /** Another app on the same database and server, e.g. with a different config or client. */
  buildApp(overrides?: Partial<ApiServices>): Promise<FastifyInstance>;
  close(): Promise<void>;
}

/** Worker and server logs below WARN are noise in test output; the runtime is installed once per test file. */
function quietRuntime(): void {
  try {
    Runtime.install({ logger: new DefaultLogger('WARN') });
  } catch {
    // already installed in this test file
  }
}

/** A real Temporal dev server, a fresh migrated database, and the app built on both. */
export async function createHarness(options: { env?: Record<string, string>; events?: ApiServices['events'] } = {}): Promise<Harness> {
  quietRuntime();
  const [env, db] = await Promise.all([createLocalEnv(), createTestDatabase()]);
  const config = testConfig(options.env);
  const { logger, lines } = captureLogger();
  const apps: FastifyInstance[] = [];
  const make = async (overrides: Partial<ApiServices> = {}) => {
    const app = await buildApp({ logger, checks: [], services: { client: env.client, pool: db.pool, config, api: API_OPTIONS, events: options.events, ...overrides } });
    apps.push(app);
    return app;
  };
  const app = await make();
  return {
    env,
    db,
    client: env.client,
    config,
    app,
    logs: lines,
    buildApp: make,
    async close() {
      for (const a of apps) await a.close();
      await Promise.all([env.teardown(), db.drop()]);
    },
  };
}

const signer = new Webhooks({ secret: SECRET });

export interface DeliverOptions {
  deliveryId?: string;
  secret?: string;
  contentType?: string;
  headers?: Record<string, string | undefined>;
  raw?: string | Buffer;
}

let counter = 0;
/** A unique delivery id, like GitHub's GUIDs. */
export const newDeliveryId = () => `d-${process.pid}-${Date.now()}-${++counter}`;

/** POSTs a payload to /webhooks/github signed as GitHub signs it (or as told otherwise). */
export async function deliver(app: FastifyInstance, event: string, payload: unknown, o: DeliverOptions = {}) {
  const body = o.raw ?? JSON.stringify(payload);
  const text = typeof body === 'string' ? body : body.toString('utf8');
  const signature = o.secret ? await new Webhooks({ secret: o.secret }).sign(text) : await signer.sign(text);
  const headers: Record<string, string> = {
    'content-type': o.contentType ?? 'application/json',
    'x-github-event': event,
    'x-github-delivery': o.deliveryId ?? newDeliveryId(),
    'x-hub-signature-256': signature,
  };
  for (const [k, v] of Object.entries(o.headers ?? {})) {
    if (v === undefined) delete headers[k];
    else headers[k] = v;
  }
  return app.inject({ method: 'POST', url: '/webhooks/github', headers, payload: body });
}

/** The history events of a workflow, and the names of the signals it received. */
export async function history(client: Client, workflowId: string) {
  const h = await client.workflow.getHandle(workflowId).fetchHistory();
  const events = h.events ?? [];
  const signals = events
    .filter((e) => e.workflowExecutionSignaledEventAttributes)
    .map((e) => {
      const a = e.workflowExecutionSignaledEventAttributes!;
      const first = a.input?.payloads?.[0];
      return { name: a.signalName!, arg: first ? defaultPayloadConverter.fromPayload<Record<string, unknown>>(first) : undefined };
    });
  return { count: events.length, events, signals };
}

/** Runs the stand-in issue workflow on the harness's task queue until `stop()` is called. */
export async function startStubWorker(h: Harness): Promise<{ stop(): Promise<void> }> {
  const { Worker } = await import('@temporalio/worker');
  const worker = await Worker.create({ connection: h.env.nativeConnection, taskQueue: TASK_QUEUE, workflowsPath: require.resolve('./stub-issue-workflow') });
  const running = worker.run();
  return {
    async stop() {
      worker.shutdown();
      await running;
    },
  };
}

/** Asks again until `ok` or `ms` passed (visibility, buffered signals and bookkeeping are eventually consistent). */
export async function eventually<T>(read: () => Promise<T>, ok: (v: T) => boolean, ms = 10_000): Promise<T> {
  const until = Date.now() + ms;
  for (;;) {
    const v = await read();
    if (ok(v) || Date.now() > until) return v;
    await new Promise((r) => setTimeout(r, 100));
  }
}

/** Triggers a schedule once and returns its run's result (a worker for its workflow must be running). */
export async function runScheduleOnce(h: Harness, scheduleId: string): Promise<unknown> {
  await h.client.schedule.getHandle(scheduleId).trigger();
  const until = Date.now() + 20_000;
  while (Date.now() < until) {
    const run = (await h.client.schedule.getHandle(scheduleId).describe()).info.recentActions[0]?.action.workflow;
    if (run) return h.client.workflow.getHandle(run.workflowId, run.firstExecutionRunId).result();
    await new Promise((r) => setTimeout(r, 200));
  }
  throw new Error(`schedule ${scheduleId} started no run within 20 s`);
}
