#!/usr/bin/env node
// A stand-in for a coding-agent CLI, driven by `agent: <verb> ...` lines in its prompt (see README.md).
// It speaks Claude Code's stream-json, so it works as a fake `claude` and through AGENT=custom.
'use strict';
const fs = require('node:fs');
const path = require('node:path');
const { spawn } = require('node:child_process');
const { conflictedFiles, resolveConflicts } = require('./conflicts');

function parseArgs(argv) {
  const o = { mode: 'implement', workdir: process.cwd(), format: 'stream-json' };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    const next = () => argv[++i];
    if (a === '--prompt-file') o.promptFile = next();
    else if (a === '--mode') o.mode = next();
    else if (a === '--workdir') o.workdir = next();
    else if (a === '--output-format') o.format = next();
    else if (a === '--permission-mode') o.mode = next() === 'plan' ? 'plan' : 'implement';
    else if (a === '-p' || a === '--print') {
      if (argv[i + 1] !== undefined && !argv[i + 1].startsWith('-')) o.prompt = next();
    } else if (a === '--simulate-outage') o.outage = true;
    else if (a === '--resume') o.resume = next();
    else if (a.startsWith('--resume=')) o.resume = a.slice('--resume='.length) || undefined;
    else if (a === '--allowedTools' || a === '--model') next();
  }
  return o;
}

const opts = parseArgs(process.argv.slice(2));
// A custom agent is handed the session to continue in the environment; a fake `claude` by `--resume`.
opts.resume ??= process.env.ISSUEFLOW_RESUME_SESSION || undefined;
const prompt = opts.prompt ?? (opts.promptFile ? fs.readFileSync(opts.promptFile, 'utf8') : fs.readFileSync(0, 'utf8'));

// Sessions live in the agent's HOME, as Claude Code's do: a new HOME (another host, a cleaned-up issue) knows none.
const sessionsDir = path.join(process.env.HOME || opts.workdir, '.scripted-agent', 'sessions');
const sessionFile = (id) => path.join(sessionsDir, id);
const known = opts.resume && /^[A-Za-z0-9._:-]+$/.test(opts.resume) && fs.existsSync(sessionFile(opts.resume));
// A continued session remembers its earlier prompts: their instructions count too, and the run's number in the chain.
const history = known ? fs.readFileSync(sessionFile(opts.resume), 'utf8') : '';
const runInChain = known ? Number(fs.readFileSync(`${sessionFile(opts.resume)}.runs`, 'utf8')) + 1 : 1;

// Each distinct line once: the prompt quotes the issue both verbatim and as parsed fields.
const lines = [...new Set([...(history + '\n' + prompt).matchAll(/^\s*agent:\s*([a-z-]+)[ \t]*(.*)$/gm)].map((m) => `${m[1]} ${m[2].trim()}`))];
const instruction = (l) => ({ verb: l.slice(0, l.indexOf(' ')), arg: l.slice(l.indexOf(' ') + 1) });
// `on-run <n> <verb> <args>`: the instruction counts only in the n-th run of a session chain (1: a cold start).
// A candidate's run names its branch (`issueflow/issue-N-candidate-I`): `candidate I <verb> <args>` is that candidate's alone.
const candidate = /issueflow\/issue-\d+-candidate-(\d+)/.exec(history + '\n' + prompt)?.[1];
const instructions = lines.map(instruction).flatMap((i) => {
  if (i.verb === 'on-run') {
    const [, n, rest] = /^(\d+)\s+(.*)$/.exec(i.arg) ?? [];
    return Number(n) === runInChain ? [instruction(rest)] : [];
  }
  if (i.verb === 'candidate') {
    const [, n, verb, arg = ''] = /^(\d+)\s+([a-z-]+)\s*([\s\S]*)$/.exec(i.arg) ?? [];
    return n !== undefined && n === candidate ? [{ verb, arg }] : [];
  }
  return [i];
});
const within = (p) => path.resolve(opts.workdir, p);
const unescape = (s) => s.replace(/\\n/g, '\n').replace(/\\t/g, '\t');

let turns = 0;
const said = [];
const emit = (obj) => opts.format === 'stream-json' && process.stdout.write(JSON.stringify(obj) + '\n');
const say = (text) => {
  turns++;
  said.push(text);
  emit({ type: 'assistant', message: { role: 'assistant', content: [{ type: 'text', text }] } });
  if (opts.format !== 'stream-json') process.stdout.write(text + '\n');
};

function writeChunks(total) {
  const line = 'x'.repeat(1023) + '\n';
  const block = line.repeat(64);
  return new Promise((resolve) => {
    let left = total;
    const pump = () => {
      while (left > 0) {
        const piece = left >= block.length ? block : block.slice(0, left);
        left -= piece.length;
        if (!process.stdout.write(piece)) return process.stdout.once('drain', pump);
      }
      resolve();
    };
    pump();
  });
}

const hang = () => new Promise(() => setInterval(() => undefined, 60_000));

// `agent: trace <file>` appends this run's start and end (pid, mode, ms) as JSON lines, for overlap checks.
const traces = instructions.filter((i) => i.verb === 'trace').map((i) => path.resolve(opts.workdir, i.arg));
const trace = (event) => {
  for (const file of traces) fs.appendFileSync(file, JSON.stringify({ event, pid: process.pid, mode: opts.mode, at: Date.now() }) + '\n');
};
if (traces.length) {
  trace('start');
  process.on('exit', () => trace('end'));
}

// Each run names a new session, a resumed one too (the CLI forks the transcript): ids chain round to round.
const sessionId = require('node:crypto').randomUUID();
const RUN_COST = 0.0123;

async function main() {
  if (opts.resume && !known) {
    process.stderr.write(`No conversation found with session ID: ${opts.resume}\n`);
    process.exit(1);
  }
  const costBefore = opts.resume && process.env.SCRIPTED_AGENT_SESSION_COST ? Number(fs.readFileSync(`${sessionFile(opts.resume)}.cost`, 'utf8')) : 0;
  fs.mkdirSync(sessionsDir, { recursive: true });
  fs.writeFileSync(sessionFile(sessionId), history + prompt);
  fs.writeFileSync(`${sessionFile(sessionId)}.cost`, String(costBefore + RUN_COST));
  fs.writeFileSync(`${sessionFile(sessionId)}.runs`, String(runInChain));
  // `agent: record-session <file>` appends {"session","resumed","mode"} for this run (resumed: the id it continued, or null).
  for (const i of instructions.filter((x) => x.verb === 'record-session')) {
    fs.appendFileSync(path.resolve(opts.workdir, i.arg), JSON.stringify({ session: sessionId, resumed: opts.resume ?? null, mode: opts.mode, run: runInChain }) + '\n');
  }
  emit({ type: 'system', subtype: 'init', session_id: sessionId, model: 'scripted-agent', cwd: opts.workdir, tools: [] });
  if (opts.outage) {
    process.stderr.write('API Error: 529 {"type":"error","error":{"type":"overloaded_error","message":"Overloaded"}}\n');
    process.exit(1);
  }
  const questions = [];
  const steps = [];
  let complexity = 'simple';
  // A round with conflict markers in the worktree only resolves them: its other edits were made in an earlier round.
  const resolving = opts.mode === 'implement' && instructions.some((i) => i.verb === 'resolve-conflicts') ? conflictedFiles(opts.workdir) : [];
  for (const { verb, arg } of instructions) {
    if (resolving.length && (verb === 'write' || verb === 'replace')) continue;
    if (verb === 'resolve-conflicts' && resolving.length) {
      resolveConflicts(opts.workdir, resolving, arg);
      say(`Resolved the conflicts in ${resolving.join(', ')} (${arg})`);
    } else if (verb === 'write' && opts.mode === 'implement') {
      const [, file, content = ''] = /^(\S+)\s?([\s\S]*)$/.exec(arg) ?? [];
      fs.mkdirSync(path.dirname(within(file)), { recursive: true });
      fs.writeFileSync(within(file), unescape(content) + '\n');
      say(`Wrote ${file}`);
    } else if (verb === 'replace' && opts.mode === 'implement') {
      const [, file, from, to] = /^(\S+)\s+([\s\S]*?)\s+=>\s+([\s\S]*)$/.exec(arg) ?? [];
      const before = fs.readFileSync(within(file), 'utf8');
      fs.writeFileSync(within(file), before.split(unescape(from)).join(unescape(to)));
      say(`Edited ${file}`);
    } else if (verb === 'ask') questions.push(arg);
    else if (verb === 'step') steps.push(arg);
    else if (verb === 'complexity') complexity = arg;
    else if (verb === 'say') say(arg);
    else if (verb === 'sleep') await new Promise((r) => setTimeout(r, Number(arg)));
    else if (verb === 'pause') {
      // `pause <mode> <ms> <flagfile>`: in that mode, the first run only (no flag file yet) writes the flag and waits.
      const [mode, ms, flag] = arg.split(/\s+/);
      const file = path.resolve(opts.workdir, flag);
      if (mode === opts.mode && !fs.existsSync(file)) {
        fs.writeFileSync(file, String(process.pid));
        await new Promise((r) => setTimeout(r, Number(ms)));
      }
    }
    else if (verb === 'print-mb') await writeChunks(Math.round(Number(arg) * 1024 * 1024));
    else if (verb === 'dump-env') {
      const json = JSON.stringify(process.env, null, 2);
      if (arg) fs.writeFileSync(path.resolve(opts.workdir, arg), json);
      else say(json);
    } else if (verb === 'spawn-child') {
      // The grandchild ignores SIGTERM and writes its pid file only once that is in place.
      const script = 'process.on("SIGTERM",()=>{});const f=process.argv[1];if(f)require("fs").writeFileSync(f,String(process.pid));setInterval(()=>{},60000)';
      const child = spawn(process.execPath, ['-e', script, arg ? path.resolve(opts.workdir, arg) : ''], { stdio: ['ignore', 'inherit', 'inherit'] });
      say(`Started helper process ${child.pid}`);
    } else if (verb === 'attack' && opts.mode === 'implement') {
      // `attack <report> <attack.js args>`: see attack.js; the report lands in the worktree.
      const [, out, rest = ''] = /^(\S+)\s*([\s\S]*)$/.exec(arg) ?? [];
      const extra = rest.split(/\s+/).filter(Boolean);
      require('node:child_process').execFileSync(process.execPath, [path.join(__dirname, 'attack.js'), '--out', out, '--workdir', opts.workdir, ...extra], { cwd: opts.workdir, stdio: 'inherit' });
      say(`Attacked; report in ${out}`);
    } else if (verb === 'write-pid') fs.writeFileSync(path.resolve(opts.workdir, arg), String(process.pid));
    else if (verb === 'hang') {
      say('Thinking...');
      await hang();
    } else if (verb === 'fail') {
      process.stderr.write((arg || 'scripted failure') + '\n');
      emit({ type: 'result', subtype: 'error_during_execution', is_error: true, num_turns: turns, result: arg || 'failed' });
      process.exit(1);
    } else if (verb === 'exit') process.exit(Number(arg) || 0);
  }
  const firstLine = prompt.split('\n').find((l) => l.trim() && !/^\s*agent:/.test(l)) ?? 'the task';
  let result;
  if (opts.mode === 'plan') {
    const plan = { summary: `Plan for: ${firstLine.trim()}`, steps: steps.length ? steps : ['Make the change', 'Run the tests'], complexity, estimate: '10 minutes', questions };
    result = `Here is my plan.\n\n\`\`\`json\n${JSON.stringify(plan, null, 2)}\n\`\`\`\n`;
  } else result = said.length ? `Done: ${said.join('; ')}` : 'Nothing to change.';
  turns++;
  emit({ type: 'assistant', message: { role: 'assistant', content: [{ type: 'text', text: result }] } });
  emit({ type: 'result', subtype: 'success', is_error: false, num_turns: turns, result, duration_ms: 1, session_id: sessionId, total_cost_usd: costBefore + RUN_COST, usage: { input_tokens: prompt.length, output_tokens: result.length } });
  if (opts.format !== 'stream-json') process.stdout.write(result + '\n');
}

main().catch((err) => {
  process.stderr.write(String(err && err.stack ? err.stack : err) + '\n');
  process.exit(2);
});
