import { CacheConfigurationError } from '@cachet/core';
import { NatsSynchronization, NatsSynchronizationOptionError, type NatsSynchronizationOptions } from '@cachet/nats';

function construct(options: unknown): () => NatsSynchronization {
  return () => new NatsSynchronization(options as NatsSynchronizationOptions);
}

describe('NatsSynchronization options', () => {
  it('uses the default subject when none is given, without connecting', () => {
    expect(new NatsSynchronization({ servers: 'nats://127.0.0.1:1' }).subject).toBe('cachet.invalidation');
    expect(new NatsSynchronization({ servers: ['nats://127.0.0.1:1', 'nats://127.0.0.1:2'], subject: 'shop.cache' }).subject).toBe('shop.cache');
  });

  it.each([
    ['a missing options object', undefined, 'options'],
    ['missing servers', {}, 'servers'],
    ['an empty server URL', { servers: '  ' }, 'servers'],
    ['an empty server list', { servers: [] }, 'servers'],
    ['a number as servers', { servers: 4222 }, 'servers'],
    ['a connection that is not one', { connection: { publish: () => undefined } }, 'connection'],
    ['both servers and a connection', { servers: 'nats://127.0.0.1:4222', connection: { subscribe: () => undefined } }, 'servers'],
    ['an empty subject', { servers: 'nats://127.0.0.1:4222', subject: '' }, 'subject'],
    ['a non-string subject', { servers: 'nats://127.0.0.1:4222', subject: 42 }, 'subject'],
    ['a subject with the * wildcard', { servers: 'nats://127.0.0.1:4222', subject: 'cachet.*' }, 'subject'],
    ['a subject with the > wildcard', { servers: 'nats://127.0.0.1:4222', subject: 'cachet.>' }, 'subject'],
    ['a subject with whitespace', { servers: 'nats://127.0.0.1:4222', subject: 'cachet invalidation' }, 'subject'],
    ['a subject with an empty token', { servers: 'nats://127.0.0.1:4222', subject: 'cachet..invalidation' }, 'subject'],
    ['a subject ending with a dot', { servers: 'nats://127.0.0.1:4222', subject: 'cachet.' }, 'subject'],
  ])('rejects %s with an error naming the option', (_label, options, option) => {
    const create = construct(options);
    expect(create).toThrow(NatsSynchronizationOptionError);
    expect(create).toThrow(CacheConfigurationError);
    try {
      create();
    } catch (error) {
      expect(error).toMatchObject({ code: 'E_CONFIGURATION', option: `NatsSynchronization.${option}` });
      expect((error as Error).message).toContain(`NatsSynchronization.${option}`);
    }
  });
});
