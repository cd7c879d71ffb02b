/** GitHub's primary rate limit as the stand-in plays it: one window an hour per credentials (an installation's tokens share one). */
export interface RateWindow {
  limit: number;
  used: number;
  /** Epoch seconds. */
  reset: number;
}

const HOUR_S = 3600;

export class RateLimits {
  private readonly windows = new Map<string, RateWindow>();

  constructor(private readonly limit = 5000) {}

  /** The window of `key` now (a new one an hour on once the old one has reset). */
  peek(key: string): RateWindow {
    const nowS = Math.floor(Date.now() / 1000);
    let w = this.windows.get(key);
    if (!w || w.reset <= nowS) this.windows.set(key, (w = { limit: this.limit, used: 0, reset: nowS + HOUR_S }));
    return w;
  }

  /** Counts `n` requests against `key` (a test spends many at once) and returns the window. */
  spend(key: string, n = 1): RateWindow {
    const w = this.peek(key);
    w.used = Math.min(w.limit, w.used + n);
    return w;
  }
}

/** The `x-ratelimit-*` headers GitHub sends with every authenticated answer. */
export function rateLimitHeaders(w: RateWindow): Record<string, string> {
  return { 'x-ratelimit-limit': String(w.limit), 'x-ratelimit-remaining': String(w.limit - w.used), 'x-ratelimit-used': String(w.used), 'x-ratelimit-reset': String(w.reset), 'x-ratelimit-resource': 'core' };
}

/** `GET /rate_limit`'s body (`rate-limit/get`): the core window; the others untouched. */
export function rateLimitBody(w: RateWindow): unknown {
  const core = { limit: w.limit, used: w.used, remaining: w.limit - w.used, reset: w.reset };
  const fresh = (limit: number) => ({ limit, used: 0, remaining: limit, reset: w.reset });
  return { resources: { core, search: fresh(30), graphql: fresh(5000) }, rate: core };
}
