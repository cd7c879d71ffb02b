import { parseMarker } from '../../src/domain/markers';
import type { IssueStatus, StepRecord } from '../../src/domain/status';
import { kindOf, labelHistory } from '../../test/e2e/harness/observe';
import { BOT_LOGIN, DEMO_REPO, type DemoWorld } from './world';

/** What `GET /jobs/:id` answers. */
interface JobView {
  status: string;
  issue: IssueStatus | null;
}

const started = Date.now();

/** Prints one line of the story, with the seconds since the demo started. */
export function say(text: string): void {
  const at = `[${((Date.now() - started) / 1000).toFixed(1).padStart(5)}s]`;
  console.log(`${at} ${text.replace(/\n/g, `\n${' '.repeat(at.length + 1)}`)}`);
}

/** Indents a block (a comment, a diff) under the line that introduces it. */
export function block(text: string, maxLines = 40): string {
  const lines = text.trimEnd().split('\n');
  const shown = lines.length > maxLines ? [...lines.slice(0, maxLines), `… (${lines.length - maxLines} more lines)`] : lines;
  return shown.map((l) => `  │ ${l}`).join('\n');
}

/**
 * Watches one issue as a person would and prints every change once: the workflow's state and steps
 * (the jobs API), issueflow's comments and labels (the GitHub stand-in), and the pull request.
 */
export class Narrator {
  private readonly comments = new Set<number>();
  private readonly kindsSeen = new Set<string>();
  private readonly stepsDone = new Set<string>();
  private labelChangesShown = 0;
  private state?: string;

  constructor(
    private readonly world: DemoWorld,
    private readonly issueNumber: number,
    private readonly apiUrl: string,
    private readonly workflowId: string,
  ) {}

  /** Whether issueflow's comment of this kind (`question`, `summary`, ...) has been shown. */
  saw(kind: string): boolean {
    return this.kindsSeen.has(kind);
  }

  /** Polls until `check` returns something, narrating meanwhile; throws after `timeoutMs`. */
  async until<T>(what: string, check: (status: IssueStatus | undefined) => T | undefined, timeoutMs = 120_000): Promise<T> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const status = await this.tick();
      const found = check(status);
      if (found !== undefined) return found;
      if (Date.now() > deadline) throw new Error(`Gave up after ${timeoutMs / 1000} s waiting for ${what} (state: ${this.state ?? 'unknown'}).`);
      await new Promise((r) => setTimeout(r, 250));
    }
  }

  /** One look at everything; prints what changed since the last look. */
  async tick(): Promise<IssueStatus | undefined> {
    const status = await this.job();
    if (status) this.narrateStatus(status);
    this.narrateLabels();
    this.narrateComments();
    return status;
  }

  private async job(): Promise<IssueStatus | undefined> {
    const res = await fetch(`${this.apiUrl}/jobs/${encodeURIComponent(this.workflowId)}`, { headers: { authorization: `Bearer ${this.world.apiToken}` } }).catch(() => undefined);
    if (res?.status !== 200) return undefined;
    return ((await res.json()) as JobView).issue ?? undefined;
  }

  private narrateStatus(status: IssueStatus): void {
    if (status.state !== this.state) {
      say(`⚙  state: ${this.state ? `${this.state} → ` : ''}${status.state}`);
      this.state = status.state;
    }
    // Running steps show as states; each finished one once, with what it found.
    for (const step of status.steps) {
      const key = `${step.step}@${step.startedAt}`;
      if (step.state === 'running' || this.stepsDone.has(key)) continue;
      this.stepsDone.add(key);
      say(`   ${describeStep(step)}`);
    }
  }

  /** issueflow's label writes, from the stand-in's request log: every one shows, however quick. */
  private narrateLabels(): void {
    const changes = labelHistory(this.world.standin, { repo: DEMO_REPO, number: this.issueNumber }).slice(this.labelChangesShown);
    if (!changes.length) return;
    this.labelChangesShown += changes.length;
    const now = this.world.standin.labelsOf(DEMO_REPO, this.issueNumber);
    say(`🏷  labels: ${changes.map((c) => `${c.op === 'add' ? '+' : '-'}${c.label}`).join(' ')}  → ${now.join(', ')}`);
  }

  private narrateComments(): void {
    for (const c of this.world.standin.listComments(DEMO_REPO, this.issueNumber)) {
      // People's comments are the demo's own, printed where it posts them.
      if (this.comments.has(c.id) || c.author !== BOT_LOGIN) continue;
      this.comments.add(c.id);
      const marker = parseMarker(c.body);
      const kind = marker ? kindOf(marker.key) : 'comment';
      this.kindsSeen.add(kind);
      // The status comment is edited at every step; the states above tell the same story, so only its first version shows.
      say(`💬 issueflow commented (${kind}):\n${block(c.body.replace(/^<!-- issueflow:.* -->\n?/, ''))}`);
    }
  }
}

const MARK: Record<StepRecord['state'], string> = { running: '…', done: '✓', failed: '✗', skipped: '-' };

function describeStep(step: StepRecord): string {
  const took = step.endedAt ? ` ${((Date.parse(step.endedAt) - Date.parse(step.startedAt)) / 1000).toFixed(1)} s` : '';
  return `${MARK[step.state]} ${step.step}${took}${step.note ? `: ${step.note.split('\n')[0]}` : ''}`;
}
