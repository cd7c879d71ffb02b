import { chmodSync, existsSync, readFileSync, writeFileSync } from 'node:fs';

/**
 * A value as a `.env` line writes it: multi-line values (a PEM key) in double quotes with `\n`, which
 * Node's `loadEnvFile` and Compose both read back as newlines (neither reads an escaped quote back).
 */
function envValue(key: string, value: string): string {
  if (!/[\n\s#"'\\]/.test(value)) return value;
  if (/["\\]/.test(value)) throw new Error(`${key}: a value with quotes or backslashes cannot be written to .env safely; set it by hand`);
  return `"${value.replace(/\n/g, '\\n')}"`;
}

/**
 * Sets `values` in the `.env` file at `path`: a line `KEY=...` (or `# KEY=...`, as in .env.example) is
 * replaced in place, others are appended; every other line stays as it was. The file holds secrets, so
 * it is written with mode 0600 (and an existing file's mode is narrowed to it).
 */
export function mergeEnvFile(path: string, values: Record<string, string>): void {
  const lines = existsSync(path) ? readFileSync(path, 'utf8').split('\n') : [];
  if (lines.at(-1) === '') lines.pop();
  const pending = new Map(Object.entries(values));
  const merged = lines.map((line) => {
    const key = /^\s*(?:#\s*)?([A-Za-z_][A-Za-z0-9_]*)\s*=/.exec(line)?.[1];
    if (!key || !pending.has(key)) return line;
    const replaced = `${key}=${envValue(key, pending.get(key)!)}`;
    pending.delete(key);
    return replaced;
  });
  for (const [key, value] of pending) merged.push(`${key}=${envValue(key, value)}`);
  writeFileSync(path, `${merged.join('\n')}\n`, { mode: 0o600 });
  chmodSync(path, 0o600);
}
