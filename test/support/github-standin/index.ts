/** The GitHub stand-in: an in-memory GitHub validated against GitHub's OpenAPI description. */
export { GithubStandin } from './standin';
export type { RequestRecord, StandinOptions } from './server';
export type { FaultKind, FaultSpec } from './faults';
export type { StandinComment, StandinIssue, StandinLabel, StandinPull, StandinRepo } from './store';
export { buildWebhookDelivery, buildWebhookPayload, sendWebhook, type WebhookDelivery, type WebhookEvent, type WebhookInput } from './webhooks';
export { validateWebhookPayload } from './openapi';
export { issuesClosedBy, type BranchStore, type EmittedWebhook } from './merge';
