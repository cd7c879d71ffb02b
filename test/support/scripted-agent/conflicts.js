// `agent: resolve-conflicts <take-both|ours|theirs>` of the scripted agent: resolves git's conflict markers.
'use strict';
const fs = require('node:fs');
const path = require('node:path');

const HUNK = /^<{7}[^\n]*\n([\s\S]*?)^={7}\n([\s\S]*?)^>{7}[^\n]*\n/gm;
const MARKER = /^<{7}( |$)/m;

/** Files under `dir` (not in `.git` or `node_modules`) that hold a conflict marker, relative to `dir`. */
function conflictedFiles(dir, rel = '') {
  const out = [];
  for (const entry of fs.readdirSync(path.join(dir, rel), { withFileTypes: true })) {
    const name = path.join(rel, entry.name);
    if (entry.isDirectory()) {
      if (entry.name !== '.git' && entry.name !== 'node_modules') out.push(...conflictedFiles(dir, name));
    } else if (entry.isFile() && MARKER.test(fs.readFileSync(path.join(dir, name), 'utf8'))) out.push(name);
  }
  return out;
}

/** Resolves every hunk of `files`: this branch's side (`ours`), the base's (`theirs`) or ours then theirs (`take-both`). */
function resolveConflicts(dir, files, how) {
  for (const file of files) {
    const text = fs.readFileSync(path.join(dir, file), 'utf8');
    fs.writeFileSync(path.join(dir, file), text.replace(HUNK, (_, ours, theirs) => (how === 'ours' ? ours : how === 'theirs' ? theirs : ours + theirs)));
  }
}

module.exports = { conflictedFiles, resolveConflicts };
