import type { SearchAttributeUpdatePair } from '@temporalio/common';
import { CancellationScope, condition, log, patched, setCurrentDetails, upsertSearchAttributes, workflowInfo } from '@temporalio/workflow';
import { AGENT_ATTR, COST_ATTR, STATE_ATTR } from '../../domain/search-attributes';
import { renderStatusComment } from '../../domain/status-comment';
import { BUDGET_PATCH } from './budget-patch';
import type { Flow } from './flow';

/** The key of the one status comment of an issue. */
export const STATUS_KEY = 'status';

/** A comment published with a step of the status: one keyed comment of issueflow's. */
export type KeyedComment = { key: string; body: string };

/** A one-line label for activity and timer summaries in the Temporal UI. */
export function summary(flow: Flow, what: string): string {
  return `#${flow.state.ref.issueNumber} ${what}`;
}

/** The status comment as it should read now. */
export function statusBody(flow: Flow): string {
  const { owner, repo } = flow.state.ref;
  return renderStatusComment(flow.state.snapshot(), {
    temporalUiUrl: flow.input.temporalUiUrl,
    namespace: workflowInfo().namespace,
    repoUrl: `https://github.com/${owner}/${repo}`,
  });
}

/** Edits the status comment in place (coalesced with the other status writes: publishCoalesced). */
export async function updateStatusComment(flow: Flow): Promise<void> {
  if (coalescing()) return publishCoalesced(flow, [], false);
  await flow.acts.upsertComment.executeWithOptions({ summary: summary(flow, `status: ${flow.state.current}`) }, [
    { ref: flow.state.ref, workflowId: flow.state.workflowId, key: STATUS_KEY, body: statusBody(flow) },
  ]);
}

/** Posts (or edits) one keyed comment, e.g. a question or the summary. */
export async function postComment(flow: Flow, key: string, body: string): Promise<{ commentId: number; url: string }> {
  return flow.acts.upsertComment.executeWithOptions({ summary: summary(flow, `comment ${key}`) }, [
    { ref: flow.state.ref, workflowId: flow.state.workflowId, key, body },
  ]);
}

/** Updates the search attributes to the current state (once per state shown). */
export function showAttributes(flow: Flow): void {
  const { data } = flow.state;
  const state = flow.state.current;
  if (data.shown.attribute === state) return;
  const pairs: SearchAttributeUpdatePair[] = [{ key: STATE_ATTR, value: state }];
  if (data.status.agent) pairs.push({ key: AGENT_ATTR, value: data.status.agent });
  // Only with a budget: the patch's marker (and its change-version attribute) would cost every other issue two actions.
  if (data.status.budget && data.status.costUsd > 0 && patched(BUDGET_PATCH)) pairs.push({ key: COST_ATTR, value: data.status.costUsd });
  upsertSearchAttributes(pairs);
  flow.state.markShown('attribute', state);
}

/**
 * Shows the current state everywhere: Temporal UI details, search attributes, the label and the
 * status comment, with `comments` beside it (a question, the summary). Called once per state change only.
 * Runs since PUBLISH_COALESCED_PATCH publish in the background, coalesced (publishCoalesced, `coalescing()`); before it,
 * each call wrote the label and the comment in activities of their own and waited for them.
 */
export async function publish(flow: Flow, comments: KeyedComment[] = []): Promise<void> {
  const { data } = flow.state;
  const state = flow.state.current;
  setCurrentDetails(`**${state}** · ${data.status.steps.length} steps · $${data.status.costUsd.toFixed(2)}${data.status.pullRequest ? ` · PR #${data.status.pullRequest.number}` : ''}`);
  if (coalescing()) return publishCoalesced(flow, comments, true);
  showAttributes(flow);
  const label =
    data.shown.label === state
      ? Promise.resolve()
      : flow.acts.setStateLabel.executeWithOptions({ summary: summary(flow, `label agent:${state}`) }, [{ ref: flow.state.ref, state }]).then(() => {
          flow.state.markShown('label', state);
        });
  await Promise.all([label, updateStatusComment(flow), ...comments.map((c) => postComment(flow, c.key, c.body))]);
}

/**
 * Asked at the first status write: runs that have it publish in the background, coalesced (one activity for the
 * label and the comments of a step; a step that passes while one is written is shown only if it is still the latest).
 */
export const PUBLISH_COALESCED_PATCH = 'publish-coalesced';

/**
 * The least time between two status writes of an issue, unless one carries a comment for people (a question, the
 * summary) or the story ends: the states of a fast round (analyzing, implementing, testing in seconds) share writes.
 */
export const STATUS_WRITE_GAP_MS = 10_000;

/**
 * Asked at a run's first status write, before PUBLISH_COALESCED_PATCH, which it implies: runs that have it publish
 * coalesced and write their first status as a local activity (firstStatusWrite).
 */
export const FIRST_STATUS_HERE_PATCH = 'first-status-here';

/**
 * Whether this run publishes in the background, coalesced. A new run records only FIRST_STATUS_HERE_PATCH: each patch
 * marker costs two Temporal actions (the marker and its TemporalChangeVersion search attribute). Older runs replay
 * the patch they recorded, or neither.
 */
export function coalescing(): boolean {
  return patched(FIRST_STATUS_HERE_PATCH) || patched(PUBLISH_COALESCED_PATCH);
}

type StatusWrite = Parameters<Flow['acts']['publishStatus']>[0];

/**
 * A run's first status write (on a new issue, the queued label: the trigger's first visible reaction) runs as a local
 * activity, in the workflow task that asked for it, with no activity task to schedule and pick up: in the issue-flow
 * bench's 20 issues triggered at once, the first reaction went from p50 795-888 ms to 444-566 (three runs each,
 * alternated). Its one attempt failing (no write token within 5 s, GitHub down), the GitHub-writes queue takes the
 * write with its retries; the write is idempotent, so what the attempt did is not done twice.
 */
async function firstStatusWrite(flow: Flow, options: { summary: string }, write: StatusWrite): Promise<void> {
  if (patched(FIRST_STATUS_HERE_PATCH)) {
    try {
      await flow.acts.publishStatusHere.executeWithOptions(options, [write]);
      return;
    } catch (err) {
      log.info('the first status write goes to the GitHub-writes queue', { error: err instanceof Error ? err.message : String(err) });
    }
  }
  await flow.acts.publishStatus.executeWithOptions(options, [write]);
}

interface Publisher {
  /** Something changed since the write in flight read the state. */
  dirty: boolean;
  /** Write without waiting for the gap: a comment for people is queued, or the story ends. */
  urgent: boolean;
  /** When the last write read the state (workflow time). */
  lastAt: number;
  /** Whether the label should follow the state (false: only the status comment changed). */
  label: boolean;
  comments: Map<string, string>;
  running?: Promise<void>;
}

const publishers = new WeakMap<Flow, Publisher>();

/**
 * Queues the state's label, the status comment and `comments` for GitHub and returns at once: the story goes on
 * while they are written. Changes that come while a write is in flight, or within STATUS_WRITE_GAP_MS of the last,
 * share the next one, which reads the state as it is then (fast successive states skip the edits in between). The writes run
 * non-cancellable, so a cancellation's own report follows them in order; `published` waits for them.
 */
export function publishCoalesced(flow: Flow, comments: KeyedComment[], label: boolean): Promise<void> {
  let p = publishers.get(flow);
  if (!p) publishers.set(flow, (p = { dirty: false, urgent: false, lastAt: 0, label: false, comments: new Map() }));
  p.dirty = true;
  p.urgent ||= comments.length > 0;
  p.label ||= label;
  for (const c of comments) p.comments.set(c.key, c.body);
  const publisher = p;
  p.running ??= CancellationScope.nonCancellable(() => drain(flow, publisher));
  return Promise.resolve();
}

/** Waits until every change queued so far is on GitHub (or failed and was logged): before the story ends or continues as new. */
export async function published(flow: Flow): Promise<void> {
  const p = publishers.get(flow);
  if (p) p.urgent = true;
  while (p?.running) await p.running;
}

async function drain(flow: Flow, p: Publisher): Promise<void> {
  const { data } = flow.state;
  while (p.dirty) {
    const gap = p.lastAt + STATUS_WRITE_GAP_MS - Date.now();
    if (gap > 0 && !p.urgent) await condition(() => p.urgent, gap, { summary: summary(flow, 'coalesce status writes') });
    p.dirty = false;
    p.urgent = false;
    const first = p.lastAt === 0;
    p.lastAt = Date.now();
    const state = p.label && data.shown.label !== flow.state.current ? flow.state.current : undefined;
    p.label = false;
    const extra = [...p.comments].map(([key, body]) => ({ key, body }));
    p.comments.clear();
    showAttributes(flow);
    try {
      const write: StatusWrite = { ref: flow.state.ref, workflowId: flow.state.workflowId, ...(state ? { state } : {}), comments: [{ key: STATUS_KEY, body: statusBody(flow) }, ...extra] };
      const options = { summary: summary(flow, `status: ${flow.state.current}`) };
      await (first ? firstStatusWrite(flow, options, write) : flow.acts.publishStatus.executeWithOptions(options, [write]));
      if (state) flow.state.markShown('label', state);
    } catch (err) {
      // Reporting must not stop the story: the next change writes the label and the comment again.
      log.warn('issueflow could not publish the status', { error: err instanceof Error ? err.message : String(err) });
      if (state) p.label = true;
      for (const c of extra) if (!p.comments.has(c.key)) p.comments.set(c.key, c.body);
    }
  }
  p.running = undefined;
}
