/** The workflows of the worker bundle (`workflowsPath` points here). */
export { issueWorkflow } from './issue-workflow';
export { candidateWorkflow } from './candidate-workflow';
export * from './retention-workflow';
export * from './rewind-workflow';
