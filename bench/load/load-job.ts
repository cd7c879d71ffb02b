/** One HTTP request the load generator sends, prepared before any clock starts. */
export interface LoadRequest {
  path: string;
  headers: Record<string, string>;
  body: string;
}

/** One `client.workflow.start` the load generator makes itself (the anchor of the webhook acks): its options as sent. */
export interface LoadStart {
  workflowType: string;
  options: { taskQueue: string; workflowId: string; args: unknown[] } & Record<string, unknown>;
}

/**
 * What the parent asks the load generator to do: HTTP requests as fast as `concurrency` allows, or at a fixed
 * `rate` per second; or `starts`, workflow starts straight to Temporal (`address`) from the same process at the
 * same concurrency, so the webhooks and their anchor are sent alike.
 */
export type LoadJob =
  | { kind: 'closed'; url: string; requests: LoadRequest[]; concurrency: number; expectStatus: number }
  | { kind: 'rate'; url: string; requests: LoadRequest[]; rate: number; expectStatus: number }
  | { kind: 'starts'; address: string; starts: LoadStart[]; concurrency: number };

/** What the load generator answers: each request's latency (ms, send to last byte) and the job's wall time. */
export interface LoadResult {
  latencies: number[];
  wallMs: number;
  errors: string[];
}

/** The `p`th percentile (0-100) of `xs`, nearest rank. */
export function percentile(xs: number[], p: number): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.max(0, Math.ceil((p / 100) * s.length) - 1))];
}
