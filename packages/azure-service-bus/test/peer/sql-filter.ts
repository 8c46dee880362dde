/** What a subscription's rule accepts, by the message's application properties. */
export type MessageFilter = (properties: Readonly<Record<string, unknown>>) => boolean;

/** `NOT EXISTS(user.p) OR user.p = 'v'` (the `user.` scope optional): what the automatic strategy asks for. */
const PROBE_FILTER = /^NOT\s+EXISTS\s*\(\s*(?:user\.)?(\w+)\s*\)\s+OR\s+(?:user\.)?(\w+)\s*=\s*'([^']*)'$/i;

/**
 * The filter of a Service Bus SQL rule expression. The peer evaluates the two forms cachet sends: `1=1` (the
 * TrueFilter of a subscription's default rule) and `NOT EXISTS(p) OR p = 'v'`. Anything else throws, so
 * that a test never runs against a filter the peer only pretends to apply.
 */
export function parseSqlFilter(expression: string): MessageFilter {
  const trimmed = expression.trim();
  if (/^1\s*=\s*1$/.test(trimmed)) return () => true;
  const match = PROBE_FILTER.exec(trimmed);
  if (match !== null && match[1] === match[2]) {
    const [, property, , value] = match as unknown as [string, string, string, string];
    return (properties) => !(property in properties) || properties[property] === value;
  }
  throw new Error(`the peer evaluates only "1=1" and "NOT EXISTS(p) OR p = 'v'", not ${JSON.stringify(expression)}`);
}
