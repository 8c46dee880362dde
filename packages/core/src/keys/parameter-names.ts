/** Characters after which a `/` starts a regular expression rather than a division. */
const BEFORE_REGEX = '(,=:[!&|?{};+-*%<>~^';
const OPENERS = '([{';
const CLOSERS = ')]}';
const IDENTIFIER = /[\p{ID_Start}$_][\p{ID_Continue}$\u200C\u200D]*/uy;

/**
 * Reads a function's parameter names from its source (`Function.prototype.toString`), as emitted for methods,
 * accessors, `function` expressions and arrow functions (including `async`, `static`, generators and default
 * values that contain parentheses, strings, template literals, regular expressions or comments).
 *
 * A destructured parameter gives `undefined`; a rest parameter gives its name. Never throws: for source it
 * cannot read (a native or bound function, a class) it returns what it found, possibly `[]`.
 */
export function readParameterNames(fn: Function): (string | undefined)[] {
  return readParameterList(fn).names;
}

/** A function's parameters as read from its source. */
export interface ParameterList {
  readonly names: (string | undefined)[];
  /** Position of the rest parameter (`...values`), if there is one. */
  readonly restIndex: number | undefined;
}

/** Reads a function's parameter names and where its rest parameter is, as {@link readParameterNames} does. */
export function readParameterList(fn: Function): ParameterList {
  try {
    const scanner = new ParameterScanner(Function.prototype.toString.call(fn));
    const names = scanner.read();
    return { names, restIndex: scanner.restIndex };
  } catch {
    return { names: [], restIndex: undefined };
  }
}

/** A small scanner that knows just enough JavaScript syntax to find where each parameter starts. */
class ParameterScanner {
  /** The last significant (non-space, non-comment) character, to tell a regex from a division. */
  private previous = '';
  /** Set by {@link ParameterScanner.read} when the list ends with a rest parameter. */
  restIndex: number | undefined;

  constructor(private readonly source: string) {}

  read(): (string | undefined)[] {
    const { source } = this;
    let lastIdentifier: string | undefined;
    let i = 0;
    while (i < source.length) {
      const char = source.charAt(i);
      const skipped = this.skipTrivia(i);
      if (skipped !== i) {
        i = skipped;
      } else if (char === '(') {
        return this.readList(i + 1);
      } else if (char === '=' && source.charAt(i + 1) === '>') {
        return lastIdentifier === undefined ? [] : [lastIdentifier]; // `a => …`
      } else if (char === '{') {
        return []; // a class body, or no parameter list at all
      } else if (char === '[') {
        i = this.scanCode(i + 1, ']') + 1; // computed method name
      } else if (char === '"' || char === "'") {
        i = this.skipString(i);
      } else {
        const name = this.identifierAt(i);
        if (name === undefined) i++;
        else {
          lastIdentifier = name;
          i += name.length;
        }
      }
    }
    return [];
  }

  /** Reads the parameter list that starts at `start` (just after its `(`). */
  private readList(start: number): (string | undefined)[] {
    const names: (string | undefined)[] = [];
    let i = start;
    while (i < this.source.length) {
      const end = this.scanCode(i, ',)');
      const first = this.skipAllTrivia(i);
      if (first < end) {
        if (this.source.startsWith('...', first)) this.restIndex = names.length;
        names.push(this.nameAt(first));
      }
      if (this.source.charAt(end) !== ',') break;
      i = end + 1;
    }
    return names;
  }

  /** The name of the parameter whose first significant character is at `i`. */
  private nameAt(i: number): string | undefined {
    if (this.source.startsWith('...', i)) return this.nameAt(this.skipAllTrivia(i + 3));
    return this.identifierAt(i);
  }

  private identifierAt(i: number): string | undefined {
    IDENTIFIER.lastIndex = i;
    return IDENTIFIER.exec(this.source)?.[0];
  }

  /** Index of the first character of `stops` outside any nesting, string, comment or regex (or of an unmatched closer). */
  private scanCode(start: number, stops: string): number {
    const { source } = this;
    let depth = 0;
    let i = start;
    this.previous = '('; // every scan starts after `(`, `,`, `[` or `${`, where a `/` starts a regex
    while (i < source.length) {
      const char = source.charAt(i);
      const skipped = this.skipTrivia(i);
      if (skipped !== i) {
        i = skipped;
        continue;
      }
      if (depth === 0 && (stops.includes(char) || CLOSERS.includes(char))) return i;
      if (OPENERS.includes(char)) depth++;
      else if (CLOSERS.includes(char)) depth--;
      if (char === '"' || char === "'") i = this.skipString(i);
      else if (char === '`') i = this.skipTemplate(i);
      else if (char === '/' && BEFORE_REGEX.includes(this.previous)) i = this.skipRegex(i);
      else i++;
      this.previous = char;
    }
    return i;
  }

  /** Skips whitespace and comments at `i`, returning `i` when there are none. */
  private skipTrivia(i: number): number {
    const { source } = this;
    const char = source.charAt(i);
    if (char === ' ' || char === '\n' || char === '\t' || char === '\r') return i + 1;
    if (char !== '/') return i;
    const next = source.charAt(i + 1);
    if (next === '/') {
      const end = source.indexOf('\n', i + 2);
      return end === -1 ? source.length : end + 1;
    }
    if (next === '*') {
      const end = source.indexOf('*/', i + 2);
      return end === -1 ? source.length : end + 2;
    }
    return i;
  }

  private skipAllTrivia(i: number): number {
    for (let next = this.skipTrivia(i); next !== i; next = this.skipTrivia(i)) i = next;
    return i;
  }

  private skipString(start: number): number {
    const quote = this.source.charAt(start);
    let i = start + 1;
    while (i < this.source.length && this.source.charAt(i) !== quote) i += this.source.charAt(i) === '\\' ? 2 : 1;
    return i + 1;
  }

  private skipTemplate(start: number): number {
    const { source } = this;
    let i = start + 1;
    while (i < source.length && source.charAt(i) !== '`') {
      if (source.charAt(i) === '\\') i += 2;
      else if (source.startsWith('${', i)) i = this.scanCode(i + 2, '}') + 1;
      else i++;
    }
    return i + 1;
  }

  private skipRegex(start: number): number {
    const { source } = this;
    let i = start + 1;
    let inClass = false;
    while (i < source.length) {
      const char = source.charAt(i);
      if (char === '\\') i++;
      else if (char === '[') inClass = true;
      else if (char === ']') inClass = false;
      else if ((char === '/' && !inClass) || char === '\n') break;
      i++;
    }
    i++;
    while (i < source.length && /[a-z]/.test(source.charAt(i))) i++;
    return i;
  }
}
