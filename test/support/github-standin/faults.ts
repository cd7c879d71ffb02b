/** The failures the stand-in can inject, as GitHub would answer them. */
export type FaultKind = '500' | 'timeout' | 'primary-rate-limit' | 'secondary-rate-limit';

/** Which requests a fault hits, how many times, and how. */
export interface FaultSpec {
  method?: string;
  path?: RegExp;
  count?: number;
  kind: FaultKind;
  /** For rate limits: seconds until `x-ratelimit-reset` / the `retry-after` value. Default 60. */
  resetInSeconds?: number;
}

/** A fault's response; `undefined` status means: never answer (a hang). */
export interface FaultResponse {
  status?: number;
  headers: Record<string, string>;
  body?: unknown;
  /** For primary rate limits: the reset time served, epoch seconds. */
  rateLimitReset?: number;
}

const DOCS = 'https://docs.github.com/rest/using-the-rest-api/rate-limits-for-the-rest-api';

/** GitHub's answer for a fault of this kind. */
export function faultResponse(spec: FaultSpec): FaultResponse {
  const seconds = spec.resetInSeconds ?? 60;
  switch (spec.kind) {
    case '500':
      return { status: 500, headers: {}, body: { message: 'Server Error' } };
    case 'timeout':
      return { headers: {} };
    case 'primary-rate-limit': {
      const reset = Math.ceil(Date.now() / 1000 + seconds);
      return {
        status: 403,
        rateLimitReset: reset,
        headers: { 'x-ratelimit-limit': '5000', 'x-ratelimit-remaining': '0', 'x-ratelimit-used': '5000', 'x-ratelimit-reset': String(reset), 'x-ratelimit-resource': 'core' },
        body: { message: 'API rate limit exceeded for installation ID 1.', documentation_url: DOCS, status: '403' },
      };
    }
    case 'secondary-rate-limit':
      return {
        status: 403,
        headers: { 'retry-after': String(seconds) },
        body: { message: 'You have exceeded a secondary rate limit. Please wait a few minutes before you try again.', documentation_url: DOCS, status: '403' },
      };
  }
}

/** Queued faults plus an optional random fault rate. */
export class FaultPlan {
  private readonly queue: Array<FaultSpec & { left: number }> = [];

  constructor(
    private readonly rate = 0,
    private readonly kinds: FaultKind[] = ['500'],
    private readonly resetInSeconds = 1,
  ) {}

  add(spec: FaultSpec): void {
    this.queue.push({ ...spec, left: spec.count ?? 1 });
  }

  /** The fault for this request, if any, counting it down. */
  take(method: string, path: string): FaultSpec | undefined {
    const hit = this.queue.find((f) => f.left > 0 && (!f.method || f.method.toUpperCase() === method) && (!f.path || f.path.test(path)));
    if (hit) {
      hit.left -= 1;
      return hit;
    }
    if (this.rate > 0 && Math.random() < this.rate) return { kind: this.kinds[Math.floor(Math.random() * this.kinds.length)], resetInSeconds: this.resetInSeconds };
    return undefined;
  }

  /** Faults queued with `failNext` that have not fired yet. */
  pending(): number {
    return this.queue.reduce((n, f) => n + f.left, 0);
  }
}
