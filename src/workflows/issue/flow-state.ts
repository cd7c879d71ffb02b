import type { Budget } from '../../domain/budget';
import type { IssueRef } from '../../domain/ids';
import type { ConversationEntry } from '../../domain/prompt';
import type { RepoConfig } from '../../domain/repo-config';
import type { IssueState } from '../../domain/states';
import type { DeepReadonly, FlowData } from './flow-data';
import { RoundState } from './round-state';
import type { Phase } from './phases';

/** How many delivery ids are remembered; older redeliveries than this are long past GitHub's retries. */
const SEEN_LIMIT = 500;

/**
 * The one owner of the story's state: handlers and steps read it through `data` (read-only all the way
 * down) and change it only through verbs: what people do (signals, pending work) here, the round's work
 * and the status in the classes it extends (round-state.ts, story-status.ts).
 */
export class FlowState extends RoundState {
  cancelStory: () => void = () => undefined;
  /** Stops the running phase (for `/agent escalate`); undefined between phases. */
  stopPhase: (() => void) | undefined = undefined;
  /** A run waits for `/agent budget` (budget.ts); never across a continue-as-new, which happens between phases. */
  atBudget = false;

  constructor(
    readonly ref: IssueRef,
    readonly workflowId: string,
    data: FlowData,
  ) {
    super(data);
  }

  /** Everything the workflow knows, to read. */
  get data(): DeepReadonly<FlowData> {
    return this.d;
  }

  /** The whole state for continue-as-new, which carries it into the next run. */
  toCarry(): FlowData {
    return this.d;
  }

  /** True the first time a delivery id is seen; a redelivered signal is ignored. */
  firstDelivery(deliveryId: string): boolean {
    if (this.d.seen.includes(deliveryId)) return false;
    this.d.seen.push(deliveryId);
    if (this.d.seen.length > SEEN_LIMIT) this.d.seen.splice(0, this.d.seen.length - SEEN_LIMIT);
    return true;
  }

  /** What people said, for the conversation query (a copy: queries must not hand out the live state). */
  conversation(): ConversationEntry[] {
    return this.d.conversation.map((e) => ({ ...e }));
  }

  /** The answers to the questions asked, oldest first: they complete the task. */
  answers(): string[] {
    return this.d.conversation.filter((e) => e.kind === 'answer').map((e) => e.body);
  }

  /** The phase running now: a continue-as-new or an escalation's retry resumes there. */
  atPhase(phase: Phase): void {
    this.d.phase = phase;
  }

  /** The repo's `.github/issueflow.yml` (or the defaults), read at the start; its budget, else the service's. */
  useConfig(config: RepoConfig, serviceBudget?: Budget): void {
    this.d.config = config;
    this.setBudget(config.budget ?? serviceBudget);
  }

  /** What the issue now shows: its label or its search attribute. */
  markShown(where: 'label' | 'attribute', state: IssueState | undefined): void {
    this.d.shown[where] = state;
  }

  // What people do (signals, commands): kept pending until a wait takes it.

  /** A reply in the issue: plan feedback while a plan waits for approval, else an answer. */
  hearFeedback(entry: Omit<ConversationEntry, 'kind'>): void {
    this.d.conversation.push({ kind: this.current === 'awaiting-approval' ? 'plan-feedback' : 'answer', ...entry });
    this.d.pending.feedback++;
  }

  /** A review on the PR: another round, once a wait takes it. */
  hearReview(entry: Omit<ConversationEntry, 'kind'>): void {
    this.d.conversation.push({ kind: 'review', ...entry });
    this.d.pending.reviews++;
  }

  /**
   * The issue's title or body was edited. Before analysis the gate has not looked at the task yet; after
   * it, an untrusted change must be looked at again. The text is now partly the editor's: it stays trusted only if both were.
   */
  issueEdited(edit: { title: string; body: string; by: string; trusted: boolean; at: string }): void {
    const { issue } = this.d;
    const changed = edit.title !== issue.title || edit.body !== issue.body;
    if (changed && !edit.trusted && this.d.phase !== 'intake') this.d.untrustedEdit = { by: edit.by, at: edit.at };
    this.d.issue = { ...issue, title: edit.title, body: edit.body, authorTrusted: issue.authorTrusted === true && edit.trusted };
    this.d.pending.edited = true;
    if (changed) this.sessionNeedsWholeTask();
  }

  approvePlan(by: string): void {
    this.d.pending.approvedBy = by;
  }

  askResume(): void {
    this.d.pending.resume = true;
  }

  /** `/agent retry-ci`: re-run the failed checks; while escalated it resumes too. */
  askRetryCi(): void {
    this.d.pending.retryCi = true;
    if (this.current === 'escalated') this.d.pending.resume = true;
  }

  askUpdate(): void {
    this.d.pending.update = true;
  }

  askHandOver(by: string): void {
    this.d.pending.handOverBy = by;
  }

  recordCancellation(by: string): void {
    this.d.cancelledBy = by;
  }

  pullRequestClosed(merged: boolean): void {
    this.d.pending.prClosed = { merged };
  }

  issueClosed(closed: NonNullable<FlowData['issueClosed']>): void {
    this.d.issueClosed = closed;
  }

  /** The checks of a commit changed: only the head issueflow pushed last counts. */
  checksChanged(sha: string): void {
    if (this.d.ci?.head !== undefined && sha === this.d.ci.head) this.d.pending.checks = true;
  }

  /** Forgets what the last wait left unconsumed, so an old reply does not answer a new question. */
  clearPending(): void {
    Object.assign(this.d.pending, { feedback: 0, edited: false, resume: false, approvedBy: undefined });
  }

  /** Whether a resume was asked; consumes it. */
  takeResume(): boolean {
    const asked = this.d.pending.resume;
    if (asked) this.d.pending.resume = false;
    return asked;
  }

  /** Whether reviews came; consumes them. */
  takeReviews(): boolean {
    const came = this.d.pending.reviews > 0;
    if (came) this.d.pending.reviews = 0;
    return came;
  }

  /** Whether `/agent update` was asked; consumes it. */
  takeUpdate(): boolean {
    const asked = this.d.pending.update === true;
    if (asked) this.d.pending.update = false;
    return asked;
  }

  /** Consumes a "checks changed": the checks are read now. */
  takeChecksChanged(): void {
    this.d.pending.checks = false;
  }

  /** Consumes `/agent retry-ci` (the failed runs are re-run now). */
  takeRetryCi(): void {
    this.d.pending.retryCi = false;
  }

  /** Consumes `/agent escalate`; returns who asked. */
  takeHandOver(): string | undefined {
    const by = this.d.pending.handOverBy;
    this.d.pending.handOverBy = undefined;
    return by;
  }
}
