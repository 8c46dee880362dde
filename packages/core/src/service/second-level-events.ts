/** The events of a service's link to its second level (`l2`), with their payloads. */
export interface SecondLevelEvents {
  /**
   * The second level cannot be used: the store reported its link lost, or an invalidation could not reach
   * it. Until `l2-up`, reads and writes skip it (misses run the method) and invalidations wait to be
   * replayed; other instances may meanwhile read from it what this instance's invalidations would remove.
   */
  'l2-down': { readonly reason: Error };
  /**
   * The second level serves again: the invalidations that waited were replayed and the first level was
   * cleared (it may have missed invalidations), after `downForMs` milliseconds down.
   */
  'l2-up': { readonly downForMs: number };
}
