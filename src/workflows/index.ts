/** The workflows of the worker bundle (`workflowsPath` points here). */
export { issueWorkflow } from './issue-workflow';
export * from './retention-workflow';
