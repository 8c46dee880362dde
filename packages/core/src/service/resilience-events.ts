/** Which call an event of the resilience options is about. */
export interface ResilienceEventBase {
  /** `Class.method` of the cached method, or `getOrSet()`. */
  readonly method: string;
  /** The cache key of the call. */
  readonly key: string;
}

/** Why an expired value answered a call. */
export type StaleReason = 'fail-safe' | 'throttled' | 'soft-timeout' | 'hard-timeout';

/** Where a load that no caller waits for came from. */
export type BackgroundOrigin = 'timeout' | 'eager-refresh' | 'auto-reload';

/** The events of the resilience options ({@link ResilienceOptions}), with their payloads. */
export interface ResilienceEvents {
  /**
   * An expired value (within `failSafe.maxStale`) answered a call: its load failed (`fail-safe`), the key is
   * throttled after a recent failure (`throttled`), or the load ran past a timeout.
   */
  'stale-served': ResilienceEventBase & { readonly reason: StaleReason };
  /** A load failed and the expired value answered instead of the error (followed by `stale-served`). */
  'fail-safe': ResilienceEventBase & { readonly error: unknown };
  /** A load ran past `timeout.soft` and the expired value answered; the load goes on in the background. */
  'soft-timeout': ResilienceEventBase & { readonly timeoutMs: number };
  /**
   * A load ran past `timeout.hard`: the caller got the expired value (`servedStale`) or a
   * `CacheLoadTimeoutError`; the load goes on in the background.
   */
  'hard-timeout': ResilienceEventBase & { readonly timeoutMs: number; readonly servedStale: boolean };
  /** A hit past the `eagerRefresh` fraction of the ttl started a background reload. */
  'eager-refresh': ResilienceEventBase;
  /** An entry of an `autoReload` method expired and a background reload started. */
  'auto-reload': ResilienceEventBase;
  /** A load no caller waits for any more failed: it was started in the background, or its callers timed out. */
  'background-error': ResilienceEventBase & { readonly error: unknown; readonly startedBy: BackgroundOrigin };
}

/** Counters of the resilience options, in {@link CachingStats.resilience}. */
export interface ResilienceStats {
  /** Calls answered with an expired value. */
  staleServed: number;
  /** Failed loads answered by fail-safe. */
  failSafe: number;
  /** Loads that ran past `timeout.soft` while an expired value could answer. */
  softTimeouts: number;
  /** Loads that ran past `timeout.hard`. */
  hardTimeouts: number;
  /** Background reloads started by hits past the `eagerRefresh` point. */
  eagerRefreshes: number;
  /** Background reloads of expired `autoReload` entries. */
  autoReloads: number;
  /** Failures of loads no caller waited for. */
  backgroundErrors: number;
}
