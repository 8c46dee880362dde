import { parseWatchArguments, WatchUsageError } from '../../src/watch/watch-arguments';

describe('cachet-redis watch arguments', () => {
  it('take a URL and options, with defaults; JSON lines by default when the output is not a terminal', () => {
    expect(parseWatchArguments(['watch', 'redis://h:6379'], true)).toEqual({ url: 'redis://h:6379', channel: 'cachet:invalidation', intervalMs: 1000, json: false, durationMs: undefined });
    expect(parseWatchArguments(['watch', 'redis://h:6379'], false)).toEqual(expect.objectContaining({ json: true }));
    expect(parseWatchArguments(['watch', '--channel', 'shop:cache', 'redis://h', '--interval', '250', '--duration', '2', '--json'], true)).toEqual({
      url: 'redis://h',
      channel: 'shop:cache',
      intervalMs: 250,
      json: true,
      durationMs: 2000,
    });
    expect(parseWatchArguments(['watch', '--help'], true)).toBe('help');
  });

  it.each([
    [[], 'no command given.'],
    [['tail', 'redis://h'], 'unknown command "tail" (the only one is "watch").'],
    [['watch'], 'the Redis URL is missing, such as redis://127.0.0.1:6379.'],
    [['watch', 'redis://h', '--interval', '0'], '--interval expects a positive number, got 0.'],
    [['watch', 'redis://h', '--duration'], '--duration expects a positive number, got nothing.'],
    [['watch', 'redis://h', '--channel'], '--channel expects a channel name.'],
    [['watch', 'redis://h', '--verbose'], 'unknown option --verbose.'],
    [['watch', 'redis://h', 'redis://other'], 'unexpected argument "redis://other".'],
  ])('reject %j, saying what is wrong', (words, message) => {
    expect(() => parseWatchArguments(words, true)).toThrow(new WatchUsageError(message));
  });
});
