/**
 * Calls `check` every 200 ms until it returns something other than undefined/false; after `timeoutMs`
 * throws naming `what`, with `diagnose()` (state, comments, process output) to show why.
 */
export async function poll<T>(what: string, timeoutMs: number, check: () => T | undefined | false | Promise<T | undefined | false>, diagnose: () => string = () => ''): Promise<T> {
  const started = Date.now();
  let lastError: unknown;
  for (;;) {
    try {
      const value = await check();
      if (value !== undefined && value !== false) return value;
    } catch (error) {
      lastError = error; // e.g. the API restarting; retried until the time-out
    }
    if (Date.now() - started > timeoutMs) {
      const why = lastError instanceof Error ? `\nlast error: ${lastError.message}` : '';
      throw new Error(`Timed out after ${timeoutMs} ms waiting for ${what}.${why}\n${diagnose()}`);
    }
    await new Promise((r) => setTimeout(r, 200));
  }
}
