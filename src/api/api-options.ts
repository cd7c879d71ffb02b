import type { Config } from '../config';

/** What the webhook and jobs routes read of the configuration (all of it validated in src/config.ts). */
export interface ApiOptions {
  appUserId?: number;
  appLogin?: string;
  appId?: number;
  temporalMetricsUrl?: string;
  rateLimitPerMinute: number;
}

/** The API's view of the one configuration. */
export function apiOptionsFrom(config: Config): ApiOptions {
  return {
    appUserId: config.appUser.id,
    appLogin: config.appUser.login,
    appId: config.github.appId !== undefined && /^\d+$/.test(config.github.appId) ? Number(config.github.appId) : undefined,
    temporalMetricsUrl: config.temporalMetrics.url,
    rateLimitPerMinute: config.apiRateLimitPerMinute,
  };
}
