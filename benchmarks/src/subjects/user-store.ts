import { delay } from '../harness/clock.js';

/** The options object of the two-argument method, as a caller would pass it. */
export interface UserQuery {
  readonly include: readonly string[];
}

/** A small cached result. */
export interface User {
  readonly id: number;
  readonly tier: string;
}

/** Stands in for the database behind every cached method, and counts how often it was reached. */
export class UserStore {
  /** Loader executions so far, across all methods. */
  executions = 0;

  /** @param latencyMs how long each async load takes; 0 resolves on the next microtask. */
  constructor(private readonly latencyMs = 0) {}

  /** Loads one user (async). */
  async loadUser(id: number, _query: UserQuery): Promise<User> {
    this.executions++;
    if (this.latencyMs > 0) await delay(this.latencyMs);
    return { id, tier: 'basic' };
  }

  /** Finds one user (sync, the same arguments as {@link UserStore.loadUser}). */
  findUser(id: number, _query: UserQuery): User {
    this.executions++;
    return { id, tier: 'basic' };
  }

  /** Loads one user's name (async, one primitive argument). */
  async loadName(id: number): Promise<string> {
    this.executions++;
    if (this.latencyMs > 0) await delay(this.latencyMs);
    return 'basic';
  }

  /** Computes a label (sync, one primitive argument). */
  label(id: number): string {
    this.executions++;
    return id % 2 === 0 ? 'even' : 'odd';
  }
}

/** The tag an entry for user `id` carries when a scenario caches with tags. */
export function userTag(id: number): string {
  return `user:${id}`;
}
