// The only file that may import an SDK's `/lib/` internals (ESLint forbids them elsewhere): what the
// public API of @temporalio/* 1.24.0 lacks is taken here, once, so an SDK upgrade that moves them breaks
// one file, and the tests of its users (GET /jobs, search-attribute registration) say so.

/**
 * A raw visibility row as the `WorkflowExecutionInfo` that `client.workflow.list()` yields. Public
 * `list()` hides the page token, and `GET /jobs` pages by token, so it calls `listWorkflowExecutions`
 * itself and decodes each row the way the SDK does.
 */
export { executionInfoFromRaw } from '@temporalio/client/lib/helpers';

/**
 * A search-attribute type (`'KEYWORD'`, `'INT'`...) as the proto enum that `operatorService.addSearchAttributes`
 * takes; the public API defines the keys (`defineSearchAttributeKey`) but not this mapping.
 */
export { encodeSearchAttributeIndexedValueType } from '@temporalio/common/lib/search-attributes';
