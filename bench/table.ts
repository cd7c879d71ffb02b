import type { Figure } from './figure';

const num = (v: number) => (!Number.isFinite(v) ? String(v) : Math.abs(v) >= 100 ? v.toFixed(0) : Math.abs(v) >= 10 ? v.toFixed(1) : v.toFixed(2));

/** The bench's one table, in Markdown (so README takes it as it is). */
export function formatTable(figures: Figure[]): string {
  const rows = figures.map((f) => [
    f.figure,
    f.goal,
    f.value === null ? 'n/a' : `${num(f.value)} ${f.unit}`,
    f.anchor ? `${f.anchor.name}: ${num(f.anchor.value)} ${f.anchor.unit}` : '',
    f.met === null ? '-' : f.met ? 'yes' : 'NO',
  ]);
  const head = ['figure', 'goal', 'value', 'anchor (same run)', 'met'];
  return [head, head.map(() => '---'), ...rows].map((r) => `| ${r.join(' | ')} |`).join('\n');
}
