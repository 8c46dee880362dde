import { readParameterNames } from '../../../src/keys/parameter-names';

class Sample {
  plain(a: number, b = 1, { x }: { x: number }, [y]: number[], ...rest: string[]): void {}
  async asyncMethod(first: string, second?: string): Promise<void> {}
  static staticMethod(id: number): void {}
  async *generator(cursor: string, limit: number): AsyncGenerator<number> {}
  ['comp' + 'uted'](q = Math.max(1, 2), r = 0): void {}
  tricky(
    s = 'a,)b',
    t = `x${Math.max(1, 2)})`,
    u = /[,)]/g,
    v = 4 / 2,
    /* a comment, with ) */ w = 0, // another, )
    z = { k: [1, 2], l: (n: number) => n },
  ): void {}
  none(): void {}
  #secret(token: string): void {}
  get secret(): (token: string) => void {
    return this.#secret;
  }
}

const names = (fn: Function) => readParameterNames(fn);

describe('readParameterNames', () => {
  it('reads plain, default, destructured and rest parameters', () => {
    expect(names(Sample.prototype.plain)).toEqual(['a', 'b', undefined, undefined, 'rest']);
  });

  it('reads async, static, async generator, computed-name and private methods', () => {
    expect(names(Sample.prototype.asyncMethod)).toEqual(['first', 'second']);
    expect(names(Sample.staticMethod)).toEqual(['id']);
    expect(names(Sample.prototype.generator)).toEqual(['cursor', 'limit']);
    expect(names((Sample.prototype as unknown as Record<string, Function>)['computed'] as Function)).toEqual(['q', 'r']);
    expect(names(new Sample().secret)).toEqual(['token']);
    expect(names(Sample.prototype.none)).toEqual([]);
  });

  it('skips strings, template literals, regexes, divisions, comments and nested brackets in default values', () => {
    expect(names(Sample.prototype.tricky)).toEqual(['s', 't', 'u', 'v', 'w', 'z']);
  });

  it('reads function expressions and arrow functions', () => {
    expect(names(function (a: number, b: number) {})).toEqual(['a', 'b']);
    expect(names(function named(c: number) {})).toEqual(['c']);
    expect(names((d: number, e: number) => 0)).toEqual(['d', 'e']);
    expect(names((f: number) => f)).toEqual(['f']);
    expect(names(async (g: number) => g)).toEqual(['g']);
    expect(names(new Function('h', 'i', 'return h'))).toEqual(['h', 'i']);
  });

  it('reads arrow functions without parentheses', () => {
    const build = (source: string) => new Function(`return ${source}`)() as Function;
    expect(names(build('x => x * 2'))).toEqual(['x']);
    expect(names(build('async item => item'))).toEqual(['item']);
  });

  it('does not throw on native, bound or class functions, or on proxies', () => {
    expect(names(Math.max)).toEqual([]);
    expect(names(Sample.prototype.plain.bind(null))).toEqual([]);
    expect(names(Sample)).toEqual([]);
    expect(names(new Proxy(() => 0, {}))).toEqual([]);
    expect(() => names({} as Function)).not.toThrow();
  });
});
