const MAX_LINE = 1024 * 1024;

/** Follows a process's output with bounded memory: a tail, the last line, and one kept line. */
export class OutputTracker {
  bytes = 0;
  lastLine = '';
  keptLine: string | undefined;
  lastOutputAt = Date.now();
  private tailText = '';
  private partial = '';

  constructor(
    private readonly tailChars: number,
    private readonly keep?: (line: string) => boolean,
    private readonly onLine?: (line: string) => void,
  ) {}

  /** Takes the next piece of decoded output (from either stream). */
  push(text: string): void {
    this.lastOutputAt = Date.now();
    this.bytes += Buffer.byteLength(text);
    this.tailText += text;
    if (this.tailText.length > 2 * this.tailChars) this.tailText = this.tailText.slice(-this.tailChars);
    const lines = (this.partial + text).split('\n');
    this.partial = lines.pop() ?? '';
    // A line longer than this (a runaway print) is not kept whole; its end still updates the tail.
    if (this.partial.length > MAX_LINE) this.partial = this.partial.slice(-MAX_LINE);
    for (const line of lines) {
      if (line.trim()) this.lastLine = line;
      if (this.keep?.(line)) this.keptLine = line;
      this.onLine?.(line);
    }
    if (this.partial.trim()) this.lastLine = this.partial;
  }

  /** Call once the output has ended: an unterminated last line may be the kept one. */
  end(): void {
    if (this.partial && this.keep?.(this.partial)) this.keptLine = this.partial;
    if (this.partial) this.onLine?.(this.partial);
  }

  get tail(): string {
    return this.tailText.slice(-this.tailChars);
  }
}

/** The last `chars` characters of text, started at a line boundary when one is near. */
export function lastLines(text: string, chars = 4000): string {
  if (text.length <= chars) return text.trimEnd();
  const cut = text.slice(-chars);
  const nl = cut.indexOf('\n');
  return (nl >= 0 && nl < 200 ? cut.slice(nl + 1) : cut).trimEnd();
}
