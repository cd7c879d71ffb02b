import { Counter, Histogram, Registry, collectDefaultMetrics } from 'prom-client';

/** The API's Prometheus metrics, in a registry of their own so two apps (tests) never share counters. */
export class ApiMetrics {
  readonly registry = new Registry();
  readonly webhooks = new Counter({
    name: 'issueflow_webhooks_total',
    help: 'Webhook deliveries by event and outcome (started, signaled, ignored, duplicate, rejected-*, failed).',
    labelNames: ['event', 'outcome'] as const,
    registers: [this.registry],
  });
  readonly ackSeconds = new Histogram({
    name: 'issueflow_webhook_ack_seconds',
    help: 'Time from receiving a webhook to answering it.',
    labelNames: ['outcome'] as const,
    buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5],
    registers: [this.registry],
  });
  readonly workflowStarts = new Counter({
    name: 'issueflow_workflow_starts_total',
    help: 'Issue workflow start attempts by result (started, already-running).',
    labelNames: ['result'] as const,
    registers: [this.registry],
  });
  readonly workflowSignals = new Counter({
    name: 'issueflow_workflow_signals_total',
    help: 'Signals sent to issue workflows by signal name and source (webhook, api).',
    labelNames: ['signal', 'source'] as const,
    registers: [this.registry],
  });

  private readonly others: Registry[];

  /** `others`: the process's other registries shown with the API's (the GitHub rate limits of its workers). */
  constructor(options: { defaultMetrics?: boolean; others?: Registry[] } = {}) {
    if (options.defaultMetrics) collectDefaultMetrics({ register: this.registry, prefix: 'issueflow_api_' });
    this.others = options.others ?? [];
  }

  /** The API's metrics (and the others'), followed by the Temporal worker's own when `temporalMetricsUrl` answers. */
  async render(temporalMetricsUrl?: string): Promise<string> {
    const own = (await Promise.all([this.registry, ...this.others].map((r) => r.metrics()))).join('\n');
    if (!temporalMetricsUrl) return own;
    return `${own}\n${await fetchWorkerMetrics(temporalMetricsUrl)}`;
  }
}

/** The Temporal worker's Prometheus text; a comment line instead when it cannot be read, so /metrics still answers. */
async function fetchWorkerMetrics(url: string): Promise<string> {
  try {
    const res = await fetch(url, { signal: AbortSignal.timeout(2000) });
    if (!res.ok) return `# temporal worker metrics unavailable: HTTP ${res.status}\n`;
    return await res.text();
  } catch (error) {
    return `# temporal worker metrics unavailable: ${(error as Error).message.split('\n')[0]}\n`;
  }
}
