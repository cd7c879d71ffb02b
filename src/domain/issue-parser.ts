/** Reads a GitHub issue (issue form or free text) and the answers given since into a typed task. Pure. */

export const TASK_TYPES = ['feature', 'bug', 'refactor', 'docs', 'test', 'chore'] as const;
export type TaskType = (typeof TASK_TYPES)[number] | 'unknown';
export const PRIORITIES = ['low', 'medium', 'high', 'critical'] as const;
export type Priority = (typeof PRIORITIES)[number] | 'unknown';

export interface IssueInput {
  title: string;
  body: string;
  labels: string[];
  author: string;
  /** Replies given to issueflow's questions, oldest first: they are part of the task text. */
  answers?: string[];
}

export interface ParsedTask {
  title: string;
  /** True when the body used the issue form's `### Heading` sections. */
  fromForm: boolean;
  taskType: TaskType;
  priority: Priority;
  description: string;
  acceptanceCriteria: string[];
  relevantFiles: string[];
  context: string;
  labels: string[];
  author: string;
  answers: string[];
  /** Characters of the issue body and answers together, before any truncation. */
  textLength: number;
}

type Field = 'taskType' | 'priority' | 'description' | 'acceptanceCriteria' | 'relevantFiles' | 'context';

const HEADINGS: Array<[RegExp, Field]> = [
  [/^(task )?type( of task)?$|^kind$/, 'taskType'],
  [/^priority$/, 'priority'],
  [/^description$|^what should (be done|change)\??$|^summary$/, 'description'],
  [/^acceptance criteria$|^definition of done$/, 'acceptanceCriteria'],
  [/^relevant files$|^files$/, 'relevantFiles'],
  [/^(additional )?context$|^notes$/, 'context'],
];

const NO_RESPONSE = /^_no response_$/i;
const MAX_TEXT = 200_000;

/** Splits `### Heading` sections; text before the first heading is returned as `preamble`. */
export function splitSections(text: string): { preamble: string; sections: Array<{ heading: string; text: string }> } {
  const sections: Array<{ heading: string; text: string }> = [];
  const preamble: string[] = [];
  let current: { heading: string; lines: string[] } | undefined;
  const flush = () => current && sections.push({ heading: current.heading, text: clean(current.lines.join('\n')) });
  for (const line of text.split(/\r?\n/)) {
    const m = /^###\s+(.+?)\s*#*\s*$/.exec(line);
    if (m) {
      flush();
      current = { heading: m[1], lines: [] };
    } else if (current) current.lines.push(line);
    else preamble.push(line);
  }
  flush();
  return { preamble: clean(preamble.join('\n')), sections };
}

function clean(text: string): string {
  const t = text.trim();
  return NO_RESPONSE.test(t) ? '' : t;
}

function fieldOf(heading: string): Field | undefined {
  const h = heading.toLowerCase().replace(/[*_:`]/g, '').trim();
  return HEADINGS.find(([re]) => re.test(h))?.[1];
}

function oneOf<T extends string>(text: string, values: readonly T[]): T | 'unknown' {
  const t = text.toLowerCase();
  return values.find((v) => new RegExp(`\\b${v}`).test(t)) ?? 'unknown';
}

/** Bullet, numbered or checkbox lines become one criterion each; plain lines too. */
export function listItems(text: string): string[] {
  return text
    .split(/\r?\n/)
    .map((l) => l.replace(/^\s*(?:[-*+]|\d+[.)])\s*(?:\[[ xX]\]\s*)?/, '').trim())
    .filter((l) => l.length > 0 && !NO_RESPONSE.test(l));
}

const PATH_TOKEN = /^(?:\.{0,2}\/)?[\w.@-]+(?:\/[\w.@-]+)*(?:\.[A-Za-z0-9]+|\/)$/;

/** Paths named in a text: one per list item, or `backticked` tokens that look like paths. */
export function extractPaths(text: string, strict = false): string[] {
  const found: string[] = [];
  const ticked = [...text.matchAll(/`([^`\s]+)`/g)].map((m) => m[1]);
  const candidates = strict ? ticked : [...ticked, ...listItems(text).flatMap((l) => l.split(/[\s,]+/))];
  for (const raw of candidates) {
    const p = raw.replace(/^`|`$/g, '').replace(/[),;:]+$/, '').replace(/^\.\//, '');
    if (p.length > 0 && p.length < 300 && PATH_TOKEN.test(p) && (p.includes('/') || /\.[A-Za-z]{1,6}$/.test(p))) found.push(p);
  }
  return [...new Set(found)];
}

/** Never throws: any text, however large or odd, gives a task (maybe with empty fields). */
export function parseIssue(input: IssueInput): ParsedTask {
  const title = String(input?.title ?? '').trim().slice(0, 1000);
  const body = String(input?.body ?? '').slice(0, MAX_TEXT);
  const rawAnswers = (Array.isArray(input?.answers) ? input.answers : []).map((a) => String(a ?? ''));
  const answers = rawAnswers.map((a) => a.slice(0, MAX_TEXT).trim()).filter(Boolean);
  const fields: Record<Field, string> = { taskType: '', priority: '', description: '', acceptanceCriteria: '', relevantFiles: '', context: '' };
  const { preamble, sections } = splitSections(body);
  const fromForm = sections.some((s) => fieldOf(s.heading));
  for (const s of sections) {
    const f = fieldOf(s.heading);
    if (f) fields[f] = s.text;
    else if (s.text) fields.context = [fields.context, `${s.heading}:\n${s.text}`].filter(Boolean).join('\n\n');
  }
  if (!fromForm) fields.description = clean(body);
  else if (preamble) fields.context = [preamble, fields.context].filter(Boolean).join('\n\n');
  const freeAnswers: string[] = [];
  for (const answer of answers) {
    const parsed = splitSections(answer);
    for (const s of parsed.sections) {
      const f = fieldOf(s.heading);
      if (f && s.text) fields[f] = s.text;
    }
    if (parsed.preamble) freeAnswers.push(parsed.preamble);
  }
  if (!fields.description && freeAnswers.length) fields.description = freeAnswers.join('\n\n');
  const labels = (Array.isArray(input?.labels) ? input.labels : []).map(String);
  const labelText = labels.join(' ');
  const files = fields.relevantFiles ? extractPaths(fields.relevantFiles) : extractPaths([fields.description, ...freeAnswers].join('\n'), true);
  return {
    title,
    fromForm,
    taskType: oneOf(fields.taskType || labelText, TASK_TYPES),
    priority: oneOf(fields.priority || labelText, PRIORITIES),
    description: fields.description,
    acceptanceCriteria: listItems(fields.acceptanceCriteria),
    relevantFiles: files,
    context: fields.context,
    labels,
    author: String(input?.author ?? ''),
    answers,
    textLength: String(input?.body ?? '').length + rawAnswers.reduce((n, a) => n + a.length, 0),
  };
}
