import type { Config } from '../config';

/** What the webhook and jobs routes read of the configuration (all of it validated in src/config.ts). */
export interface ApiOptions {
  /** issueflow's own GitHub user id (learned from GitHub at start): assigning to it starts work; its comments are never input. */
  appUserId?: number;
  appId?: number;
  temporalMetricsUrl?: string;
  rateLimitPerMinute: number;
}

/** The API's view of the one configuration and of issueflow's GitHub user. */
export function apiOptionsFrom(config: Config, identity?: { id: number }): ApiOptions {
  return {
    appUserId: identity?.id,
    appId: config.github.appId !== undefined && /^\d+$/.test(config.github.appId) ? Number(config.github.appId) : undefined,
    temporalMetricsUrl: config.temporalMetrics.url,
    rateLimitPerMinute: config.apiRateLimitPerMinute,
  };
}
