/**
 * A copy of `value` held in one flat piece of memory. Strings built by concatenation (cache keys, tags)
 * are trees of pieces that V8 keeps as they are when stored: a 50-character key can retain ~300 bytes.
 * Costs one copy (~0.2 µs for a short key), so call it when a string is about to be stored, not when it
 * is looked up.
 */
export function flatString(value: string): string {
  // latin1 round-trips exactly the strings whose characters are all below U+0100: the usual key.
  const copy = Buffer.from(value, 'latin1').toString('latin1');
  return copy === value ? copy : (JSON.parse(JSON.stringify(value)) as string);
}
