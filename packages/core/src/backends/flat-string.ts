/**
 * Strings built by concatenation (cache keys, tags) are trees of pieces that V8 keeps as they are when
 * stored: a 50-character key can retain ~300 bytes. Flattening turns such a string into one piece of
 * memory. Call these when a string is about to be stored, not when it is looked up.
 */

/**
 * Flattens `value` in place and returns the same string. Reading a character makes V8 copy a concatenated
 * string's pieces into one flat string that the original then points to (and that garbage collection puts
 * in its place), so whoever else holds this string (the key builder's remembered keys) shares the one copy.
 * Costs one copy of the characters. A substring is left as it is: V8 keeps one of 13 characters or more as a
 * view that retains its parent, so use {@link flatString} for strings of unknown origin.
 */
export function flattenInPlace(value: string): string {
  value.charCodeAt(0);
  return value;
}

/**
 * A flat copy of `value`, detached from whatever it was built from (pieces of a concatenation, or the parent
 * of a substring). Costs two copies (~0.2 µs for a short string).
 */
export function flatString(value: string): string {
  // latin1 round-trips exactly the strings whose characters are all below U+0100: the usual key.
  const copy = Buffer.from(value, 'latin1').toString('latin1');
  return copy === value ? copy : (JSON.parse(JSON.stringify(value)) as string);
}
