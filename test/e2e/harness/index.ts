/** The end-to-end harness: real Temporal, PostgreSQL, git, the GitHub stand-in and the compiled issueflow processes. */
export { startE2E, DEFAULT_REPO_CONFIG, type E2EOptions } from './start';
export { useE2E } from './suite';
export { E2E, BOT_LOGIN, type JobView, type MergeDelivery } from './e2e';
export type { DeliveryOptions, DeliveryRecord, DeliveryResponse } from './deliveries';
export { inStoryOrder, kindOf, type BranchCommit, type E2EIssue, type LabelChange, type ObservedComment } from './observe';
export { issueForm } from './issue-form';
export { headOf, setCheckOnHead, type CheckReport } from './ci';
