import type { EmitterWebhookEvent } from '@octokit/webhooks';

/** The GitHub events issueflow routes; the rest are ignored by name. */
export type RoutedEvent =
  | 'issues'
  | 'issue_comment'
  | 'pull_request'
  | 'pull_request_review'
  | 'pull_request_review_comment'
  | 'check_suite'
  | 'check_run'
  | 'status';

/**
 * `T` with every field optional or null, all the way down. A delivery is untrusted input (a signed body may
 * still lack what the schema promises, and tests send parts of payloads): the names and shapes stay GitHub's,
 * so a misspelt or misplaced field does not compile, while every read still says what happens when it is missing.
 */
export type Untrusted<T> = T extends ReadonlyArray<infer U>
  ? ReadonlyArray<Untrusted<U> | null>
  : T extends object
    ? { [K in keyof T]?: Untrusted<T[K]> | null }
    : T;

/** GitHub's payload of event `E`, as @octokit/webhooks types it (from GitHub's OpenAPI description), untrusted. */
export type WebhookPayload<E extends RoutedEvent> = Untrusted<EmitterWebhookEvent<E>['payload']>;

/** One delivery of a routed event: its name (the X-GitHub-Event header) tells which payload it carries. */
export type WebhookDelivery<E extends RoutedEvent = RoutedEvent> = { [K in E]: { name: K; payload: WebhookPayload<K> } }[E];

/**
 * A delivery as it arrives: the header names the event and the body is its payload (GitHub signs both).
 * The only place the JSON body is given a type; every field read from it is then checked for presence.
 */
export function asDelivery(event: string, body: unknown): WebhookDelivery {
  return { name: event, payload: body ?? {} } as WebhookDelivery;
}

/** The fields of a GitHub user that routing reads: an id, a login and whether it is a bot. */
export interface WebhookUser {
  id?: number | null;
  login?: string | null;
  type?: string | null;
}
