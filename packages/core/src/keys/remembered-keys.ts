/** Elements per way of a set: the first argument's value, the encoding of the other key arguments, the key. */
const WAY = 3;
/** Elements per set: two ways, the most recently remembered first. */
const SET = 2 * WAY;
/** Sets of a new table. */
const INITIAL_SETS = 8;

/**
 * Finished keys of one method, remembered by the value of the call's first key argument (a number or a short
 * string) and the encoding of the other key arguments (`''` when there are none). A hit then neither encodes
 * the first argument nor concatenates the key, and looks up a string whose hash V8 has already computed (and
 * which the memory backend stores as the entry's key: it flattens the string it is given in place, so the two
 * are one string).
 *
 * A two-way set-associative table indexed by the value, grown while it is more than half full up to
 * `capacity` keys (the most entries the backend holds) rounded up to a power of two. An integer id is its own
 * index: ids within a table's size of each other never collide, and sit close in memory. Strings are hashed:
 * a full table keeps about 3 in 4 of them. A new key takes the place of the older of its set's two, so a key
 * space larger than the table costs one key build per call whose key was pushed out, never a cliff.
 * Memory: three references (24 bytes) per remembered key, and the key strings the backend no longer holds.
 */
export class RememberedKeys {
  private table: unknown[] = newTable(INITIAL_SETS);
  private mask = INITIAL_SETS - 1;
  private held = 0;
  private readonly maxSets: number;

  /** @param capacity the most keys worth remembering: the most entries the backend holds. */
  constructor(capacity: number) {
    let sets = INITIAL_SETS;
    while (2 * sets < capacity) sets *= 2;
    this.maxSets = sets;
  }

  /** Keys remembered now. */
  get size(): number {
    return this.held;
  }

  /** The key remembered for `value` with the other arguments encoded as `rest`, if any. */
  get(value: number | string, rest: string): string | undefined {
    const table = this.table;
    const base = (indexOf(value) & this.mask) * SET;
    if (table[base] === value && table[base + 1] === rest) return table[base + 2] as string;
    if (table[base + WAY] === value && table[base + WAY + 1] === rest) return table[base + WAY + 2] as string;
    return undefined;
  }

  /** Remembers `key` for `value` and `rest`, which {@link RememberedKeys.get} did not know. */
  remember(value: number | string, rest: string, key: string): void {
    // NaN never equals itself: its key could never be found.
    if (value !== value) return;
    // Grown once more than half full (two ways per set).
    if (this.place(value, rest, key) && this.held > this.mask + 1 && this.mask + 1 < this.maxSets) this.grow();
  }

  /** Puts a key first in its set, pushing the set's older key out; whether it took an empty way. */
  private place(value: unknown, rest: unknown, key: unknown): boolean {
    const table = this.table;
    const base = (indexOf(value as number | string) & this.mask) * SET;
    const filled = table[base + WAY + 2] === undefined;
    if (filled) this.held++;
    table[base + WAY] = table[base];
    table[base + WAY + 1] = table[base + 1];
    table[base + WAY + 2] = table[base + 2];
    table[base] = value;
    table[base + 1] = rest;
    table[base + 2] = key;
    return filled;
  }

  /** Doubles the table, keeping every key (the older of each set placed first, so that the newer stays first). */
  private grow(): void {
    const old = this.table;
    const sets = 2 * (this.mask + 1);
    this.table = newTable(sets);
    this.mask = sets - 1;
    this.held = 0;
    for (let base = 0; base < old.length; base += SET) {
      if (old[base + WAY + 2] !== undefined) this.place(old[base + WAY], old[base + WAY + 1], old[base + WAY + 2]);
      if (old[base + 2] !== undefined) this.place(old[base], old[base + 1], old[base + 2]);
    }
  }
}

function newTable(sets: number): unknown[] {
  return new Array<unknown>(sets * SET).fill(undefined);
}

/** Where a value goes: an integer is its own index; a string is hashed (FNV-1a). */
function indexOf(value: number | string): number {
  if (typeof value === 'number') return value | 0;
  let hash = 0x811c9dc5;
  for (let i = 0; i < value.length; i++) hash = Math.imul(hash ^ value.charCodeAt(i), 0x01000193);
  return hash;
}
