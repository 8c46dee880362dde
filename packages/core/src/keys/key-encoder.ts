import { cacheKeyMembersOf, type CacheKeyMember } from './cache-key-members';

/**
 * Thrown by {@link encodeKeyValue} for a value that cannot be keyed. It is internal control flow: the key
 * builder turns it into a `CacheKeyError` that names the method and argument. `segments` is the path from the
 * offending value back out to the encoded root (innermost first), such as `['.callback', '[2]']`.
 */
export class UnkeyableValue {
  readonly segments: string[] = [];

  constructor(
    /** What was found, such as `a function`. */
    readonly what: string,
    readonly cause?: unknown,
  ) {}

  /** The problem, phrased to follow "argument 1 (opts)": `contains a function at opts.items[2]`, or `is a symbol`. */
  describe(rootName: string): string {
    if (this.segments.length === 0) return `is ${this.what}`;
    return `contains ${this.what} at ${rootName}${this.segments.slice().reverse().join('')}`;
  }
}

/** Objects on the path from the current root to the value being encoded, to detect cycles. */
const ancestors: object[] = [];
/** Where the current root's ancestors start in {@link ancestors} (a getter may re-enter the encoder). */
let ancestorsBase = 0;

const needsEscaping = /["\\\u0000-\u001f]/;
const identifier = /^[A-Za-z_$][\w$]*$/;

/**
 * Encodes a value into its cache key form: a stable string that is equal for two values exactly when they
 * must share a cache entry, and never equal across types.
 *
 * - Numbers as `String(n)` (`NaN`, `Infinity`); `-0` encodes as `0`, as `===`, `Map` and JSON treat them.
 * - Strings JSON-quoted, so `1` and `"1"` differ and a comma inside a string cannot forge another argument.
 * - `true`, `false`, `null`, `undefined`, bigint as `1n`.
 * - Arrays as `[a,b]`; holes encode as `undefined`.
 * - Plain objects as `{"a":1,"b":2}` with own enumerable string keys **sorted**, so key order does not matter;
 *   properties whose value is `undefined` are omitted, as JSON does (so `{}` equals `{ a: undefined }`).
 * - `Date(<time value>)` (invalid dates as `Date(NaN)`), `RegExp("/a/g")`, `URL("https://…")`,
 *   typed arrays, `Buffer`, `DataView` and `ArrayBuffer` as `Uint8Array(<base64url bytes>)` named by class,
 *   boxed primitives as `Number(1)`.
 * - `Map(k=>v,…)` and `Set(a,…)` with entries **sorted by their encoding**, so insertion order does not matter.
 * - Other class instances as `ClassName{…}` with their own enumerable properties, sorted, or, when the class
 *   (or a base class) has `@CacheKey` members, as `ClassName{m1,m2}` with only those members' values in
 *   declaration order (base class first). Two classes with the same name encode alike.
 *
 * @throws {@link UnkeyableValue} for functions, symbols, Promises, weak collections and cycles (a value that
 *   contains itself; a value referenced twice without a cycle is fine).
 */
export function encodeKeyValue(value: unknown): string {
  if (typeof value !== 'object' || value === null) return encodeNested(value);
  const outerBase = ancestorsBase;
  ancestorsBase = ancestors.length;
  try {
    return encodeObject(value);
  } finally {
    // Only a failure leaves ancestors behind; setting `length` is slow, so skip it otherwise.
    if (ancestors.length !== ancestorsBase) ancestors.length = ancestorsBase;
    ancestorsBase = outerBase;
  }
}

/** Encodes a string as a JSON string literal, escaping only when it contains `"`, `\` or a control character. */
export function encodeString(value: string): string {
  return (value.length < SHORT_STRING ? hasCharToEscape(value) : needsEscaping.test(value)) ? JSON.stringify(value) : '"' + value + '"';
}

/** Below this length a character scan beats the regular expression (measured on Node 20). */
const SHORT_STRING = 32;

function hasCharToEscape(value: string): boolean {
  for (let i = 0; i < value.length; i++) {
    const code = value.charCodeAt(i);
    if (code < 0x20 || code === 0x22 || code === 0x5c) return true;
  }
  return false;
}

/** The name a class instance is encoded with: its constructor's name, JSON-quoted unless it is an identifier. */
export function classNameOf(value: object): string {
  const ctor: unknown = (value as { constructor?: unknown }).constructor;
  const name = typeof ctor === 'function' ? ctor.name : '';
  return identifier.test(name) ? name : JSON.stringify(name);
}

function encodeNested(value: unknown): string {
  switch (typeof value) {
    case 'string':
      return encodeString(value);
    case 'number':
      return '' + value;
    case 'boolean':
      return value ? 'true' : 'false';
    case 'undefined':
      return 'undefined';
    case 'bigint':
      return value + 'n';
    case 'object':
      return value === null ? 'null' : encodeObject(value);
    case 'function':
      throw new UnkeyableValue('a function');
    default:
      throw new UnkeyableValue('a symbol');
  }
}

function encodeObject(value: object): string {
  for (let i = ancestorsBase; i < ancestors.length; i++) {
    if (ancestors[i] === value) throw new UnkeyableValue('a cycle (a reference back to a value that contains it)');
  }
  if (Array.isArray(value)) return encodeArray(value);
  const proto: unknown = Object.getPrototypeOf(value);
  if (proto === Object.prototype || proto === null) return encodeProperties(value, '');
  return encodeInstance(value);
}

function encodeArray(value: readonly unknown[]): string {
  ancestors.push(value);
  let out = '[';
  let i = 0;
  try {
    for (; i < value.length; i++) out += (i === 0 ? '' : ',') + encodeNested(value[i]);
  } catch (error) {
    throw atSegment(error, `[${i}]`);
  }
  ancestors.pop();
  return out + ']';
}

function encodeProperties(value: object, className: string): string {
  ancestors.push(value);
  const keys = Object.keys(value);
  if (keys.length > 1) keys.sort();
  let out = className + '{';
  let first = true;
  let key = '';
  try {
    for (key of keys) {
      const property: unknown = (value as Record<string, unknown>)[key];
      if (property === undefined) continue;
      out += (first ? '' : ',') + encodeString(key) + ':' + encodeNested(property);
      first = false;
    }
  } catch (error) {
    throw atSegment(error, identifier.test(key) ? `.${key}` : `[${JSON.stringify(key)}]`);
  }
  ancestors.pop();
  return out + '}';
}

function encodeMembers(value: object, className: string, members: readonly CacheKeyMember[]): string {
  ancestors.push(value);
  let out = className + '{';
  let member: CacheKeyMember = '';
  try {
    for (let i = 0; i < members.length; i++) {
      member = members[i] as CacheKeyMember;
      out += (i === 0 ? '' : ',') + encodeNested((value as Record<CacheKeyMember, unknown>)[member]);
    }
  } catch (error) {
    const segment = typeof member === 'symbol' ? `[${member.toString()}]` : identifier.test(member) ? `.${member}` : `[${JSON.stringify(member)}]`;
    throw atSegment(error, segment);
  }
  ancestors.pop();
  return out + '}';
}

function encodeInstance(value: object): string {
  if (value instanceof Date) return 'Date(' + value.getTime() + ')';
  if (value instanceof Map) return encodeCollection(value, 'Map', encodeMapEntries);
  if (value instanceof Set) return encodeCollection(value, 'Set', encodeSetEntries);
  if (ArrayBuffer.isView(value)) return classNameOf(value) + '(' + base64url(value.buffer, value.byteOffset, value.byteLength) + ')';
  if (value instanceof ArrayBuffer || value instanceof SharedArrayBuffer) return classNameOf(value) + '(' + base64url(value, 0, value.byteLength) + ')';
  if (value instanceof RegExp) return 'RegExp(' + encodeString(String(value)) + ')';
  if (value instanceof URL) return 'URL(' + encodeString(value.href) + ')';
  if (value instanceof Number || value instanceof String || value instanceof Boolean) {
    return classNameOf(value) + '(' + encodeNested(value.valueOf()) + ')';
  }
  if (value instanceof Promise) throw new UnkeyableValue('a Promise');
  if (value instanceof WeakMap || value instanceof WeakSet || value instanceof WeakRef) {
    throw new UnkeyableValue(`a ${classNameOf(value)} (its contents cannot be enumerated)`);
  }
  const ctor: unknown = (value as { constructor?: unknown }).constructor;
  const members = typeof ctor === 'function' ? cacheKeyMembersOf(ctor) : undefined;
  return members === undefined ? encodeProperties(value, classNameOf(value)) : encodeMembers(value, classNameOf(value), members);
}

function encodeCollection<T>(value: T & object, name: string, encodeEntries: (value: T) => string[]): string {
  ancestors.push(value);
  const entries = encodeEntries(value);
  ancestors.pop();
  return name + '(' + entries.sort().join(',') + ')';
}

function encodeMapEntries(map: ReadonlyMap<unknown, unknown>): string[] {
  const entries: string[] = [];
  let index = 0;
  for (const [key, item] of map) {
    let encodedKey: string;
    try {
      encodedKey = encodeNested(key);
    } catch (error) {
      throw atSegment(error, `.keys()[${index}]`);
    }
    try {
      entries.push(encodedKey + '=>' + encodeNested(item));
    } catch (error) {
      throw atSegment(error, `.get(${encodedKey})`);
    }
    index++;
  }
  return entries;
}

function encodeSetEntries(set: ReadonlySet<unknown>): string[] {
  const entries: string[] = [];
  for (const item of set) {
    try {
      entries.push(encodeNested(item));
    } catch (error) {
      throw atSegment(error, `.values()[${entries.length}]`);
    }
  }
  return entries;
}

function base64url(buffer: ArrayBufferLike, byteOffset: number, byteLength: number): string {
  return Buffer.from(buffer, byteOffset, byteLength).toString('base64url');
}

/** Adds a path segment to an encoding failure; any other error (a throwing getter) becomes one, kept as cause. */
function atSegment(error: unknown, segment: string): UnkeyableValue {
  const problem =
    error instanceof UnkeyableValue
      ? error
      : new UnkeyableValue(`a member that threw when read (${error instanceof Error ? error.message : String(error)})`, error);
  problem.segments.push(segment);
  return problem;
}
