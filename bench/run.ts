// `npm run bench`: runs every figure module in bench/figures/index.ts one after another, prints one
// table (figure, goal, value, the anchor measured in the same run, met?) and writes bench/results.json.
//   npm run bench -- --short               CI's mode (or BENCH_SHORT=1): small counts, never judges speed
//   npm run bench -- --only webhooks,start  only these modules
import { writeFileSync } from 'node:fs';
import { cpus, loadavg, totalmem } from 'node:os';
import { join } from 'node:path';
import type { Figure } from './figure';
import { FIGURE_MODULES } from './figures/index';
import { formatTable } from './table';

/** The command line: `--short`, `--only a,b`, `--out path`. */
export function parseArgs(argv: string[], env: NodeJS.ProcessEnv): { short: boolean; only?: string[]; out: string } {
  const value = (flag: string) => {
    const i = argv.indexOf(flag);
    return i >= 0 ? argv[i + 1] : argv.find((a) => a.startsWith(`${flag}=`))?.slice(flag.length + 1);
  };
  const only = value('--only')?.split(',').map((s) => s.trim()).filter(Boolean);
  return { short: argv.includes('--short') || env.BENCH_SHORT === '1', only, out: value('--out') ?? join(__dirname, 'results.json') };
}

async function main(): Promise<void> {
  const { short, only, out } = parseArgs(process.argv.slice(2), process.env);
  const names = only ?? Object.keys(FIGURE_MODULES);
  const unknown = names.filter((n) => !(n in FIGURE_MODULES));
  if (unknown.length) throw new Error(`unknown figure module(s) ${unknown.join(', ')}; bench/figures/index.ts lists ${Object.keys(FIGURE_MODULES).join(', ')}`);
  const figures: Figure[] = [];
  // A shared machine's load moves every figure: the 1-minute load average before and after says how busy it was.
  const loadBefore = loadavg()[0];
  const failures: string[] = [];
  for (const name of names) {
    const started = performance.now();
    process.stderr.write(`bench: ${name}${short ? ' (short)' : ''} ...\n`);
    try {
      const mod = FIGURE_MODULES[name];
      figures.push(...(await mod.measure({ short })));
    } catch (error) {
      // One module failing still lets the others report; the exit code says it failed.
      failures.push(`${name}: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`);
    }
    process.stderr.write(`bench: ${name} done in ${((performance.now() - started) / 1000).toFixed(1)} s\n`);
  }
  const machine = { cores: cpus().length, cpu: cpus()[0]?.model, memoryGb: Math.round(totalmem() / 2 ** 30), node: process.version, platform: `${process.platform}-${process.arch}`, loadAverage: { before: loadBefore, after: loadavg()[0] } };
  writeFileSync(out, `${JSON.stringify({ date: new Date().toISOString(), short, machine, figures, failures }, null, 2)}\n`);
  console.log(formatTable(figures));
  console.log(`\n${machine.cores} cores (${machine.cpu}), node ${machine.node}, load average ${loadBefore.toFixed(1)} -> ${machine.loadAverage.after.toFixed(1)}${short ? '; short mode: counts too small to judge speed' : ''}; written to ${out}`);
  for (const f of failures) console.error(`\nFAILED ${f}`);
  if (failures.length) process.exitCode = 1;
}

if (require.main === module) {
  main().catch((error) => {
    console.error(error);
    process.exit(1);
  });
}
