import { buildWebhookDelivery, type GithubStandin, type WebhookEvent, type WebhookInput } from '../../support/github-standin';

/** One POST of a delivery and what issueflow answered. */
export interface DeliveryResponse {
  status: number;
  body: { outcome?: string; duplicate?: boolean; workflowId?: string; reason?: string; [key: string]: unknown };
}

/** One webhook delivery (one `X-GitHub-Delivery` id), maybe POSTed several times. */
export interface DeliveryRecord {
  event: WebhookEvent;
  deliveryId: string;
  input: WebhookInput;
  /** Sent because of issueflow's own write (a comment or label it made), as GitHub would. */
  echo: boolean;
  responses: DeliveryResponse[];
}

export interface DeliveryOptions {
  /** How many times each delivery is POSTed, with the same id and body (default 1). */
  times?: number;
  /** POST the copies at once (a race) rather than one after the other (a redelivery). Default: at once. */
  concurrent?: boolean;
}

/** Signs and POSTs webhooks to issueflow's `/webhooks/github`, as GitHub would, and keeps a record of each. */
export class WebhookSender {
  readonly log: DeliveryRecord[] = [];
  private readonly inFlight = new Set<Promise<unknown>>();
  /** What was POSTed for each record, byte for byte, for `redeliver`. */
  private readonly sent = new WeakMap<DeliveryRecord, { headers: Record<string, string>; body: string }>();

  constructor(
    private readonly standin: GithubStandin,
    private readonly targetUrl: () => string,
    private readonly secret: string,
    private readonly options: DeliveryOptions = {},
  ) {}

  /** Builds the delivery from the stand-in's current state and POSTs it (`times` copies). */
  async send(event: WebhookEvent, input: WebhookInput, options: DeliveryOptions & { echo?: boolean; secret?: string } = {}): Promise<DeliveryRecord> {
    const delivery = await buildWebhookDelivery(this.standin, event, input, options.secret ?? this.secret);
    const record: DeliveryRecord = { event, deliveryId: delivery.headers['x-github-delivery'], input, echo: options.echo ?? false, responses: [] };
    this.log.push(record);
    this.sent.set(record, { headers: delivery.headers, body: delivery.body });
    const times = options.times ?? this.options.times ?? 1;
    const concurrent = options.concurrent ?? this.options.concurrent ?? true;
    const post = async () => void (await this.post(record));
    const work = (async () => {
      if (concurrent) await Promise.all(Array.from({ length: times }, post));
      else for (let i = 0; i < times; i++) await post();
    })();
    this.inFlight.add(work);
    try {
      await work;
    } finally {
      this.inFlight.delete(work);
    }
    return record;
  }

  /** Sends without waiting (echoes of issueflow's writes, unless `echo` is false); `settle()` waits for them. */
  sendLater(event: WebhookEvent, input: WebhookInput, echo = true): void {
    const p = this.send(event, input, { echo }).catch((err: Error) => {
      this.failures.push(`${event} #${input.number}: ${err.message}`);
    });
    this.inFlight.add(p);
    void p.finally(() => this.inFlight.delete(p));
  }

  /** Echo deliveries that could not be sent at all (issueflow down); reported by the suites. */
  readonly failures: string[] = [];

  /** POSTs a delivery again, same id and bytes, as GitHub's "Redeliver" does; returns the answer (also kept in the record). */
  async redeliver(record: DeliveryRecord): Promise<DeliveryResponse> {
    return this.post(record);
  }

  private async post(record: DeliveryRecord): Promise<DeliveryResponse> {
    const delivery = this.sent.get(record);
    if (!delivery) throw new Error(`delivery ${record.deliveryId} was not sent by this sender`);
    const res = await fetch(`${this.targetUrl()}/webhooks/github`, { method: 'POST', headers: delivery.headers, body: delivery.body });
    const text = await res.text();
    let body: DeliveryResponse['body'] = {};
    try {
      body = JSON.parse(text) as DeliveryResponse['body'];
    } catch {
      body = { raw: text };
    }
    const response = { status: res.status, body };
    record.responses.push(response);
    return response;
  }

  /** Waits until every delivery in flight got its answers. */
  async settle(): Promise<void> {
    while (this.inFlight.size) await Promise.allSettled([...this.inFlight]);
  }

  /** Counts: distinct deliveries, POSTs, and POSTs answered as duplicates. */
  counts(): { webhooks: number; echoes: number; posts: number; duplicates: number } {
    const responses = this.log.flatMap((r) => r.responses);
    return {
      webhooks: this.log.length,
      echoes: this.log.filter((r) => r.echo).length,
      posts: responses.length,
      duplicates: responses.filter((r) => r.body.duplicate === true).length,
    };
  }
}
