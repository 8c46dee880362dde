type Core = typeof import('@cachet/core');

/** A fresh copy of @cachet/core, whose `CachingService.default` was never set nor used. */
function freshCore(): Core {
  let core: Core | undefined;
  jest.isolateModules(() => {
    core = jest.requireActual<Core>('@cachet/core');
  });
  return core as Core;
}

/**
 * The warnings cachet gives through `process.emitWarning`. Jest gives each test file its own `process`
 * object whose events Node's `emitWarning` never reaches (it emits on the real one), so a
 * `process.on('warning')` listener here would hear nothing: the call itself is observed instead, and
 * Node's own implementation still runs (the warning is printed).
 */
describe('the implicit default CachingService', () => {
  let emitWarning: jest.SpiedFunction<typeof process.emitWarning>;

  beforeEach(() => {
    emitWarning = jest.spyOn(process, 'emitWarning');
  });

  afterEach(() => {
    emitWarning.mockRestore();
  });

  /** Every default-service warning given so far: its message, code and detail. */
  function defaultServiceWarnings(): (NodeJS.EmitWarningOptions & { message: string | Error })[] {
    return emitWarning.mock.calls.flatMap(([message, options]) =>
      typeof options === 'object' && options.code === 'CACHET_DEFAULT_SERVICE' ? [{ message, ...options }] : [],
    );
  }

  it('still caches, and warns once per process with a code, naming how to configure a service', async () => {
    const { Cache, CachingService, DEFAULT_SERVICE_WARNING } = freshCore();
    let runs = 0;
    class Catalogue {
      @Cache()
      name(id: number): string {
        return `product ${id} (${++runs})`;
      }
    }
    const catalogue = new Catalogue();
    expect(catalogue.name(1)).toBe('product 1 (1)');
    const [warning] = defaultServiceWarnings();
    expect(warning?.code).toBe(DEFAULT_SERVICE_WARNING);
    expect(warning?.message).toMatch(/local-only/);
    expect(warning?.detail).toContain('CachingService.default = CachingService.create({ synchronization: ... })');

    expect(catalogue.name(1)).toBe('product 1 (1)');
    expect(catalogue.name(2)).toBe('product 2 (2)');
    await CachingService.default.invalidate(() => catalogue.name(1));
    expect(catalogue.name(1)).toBe('product 1 (3)');
    expect(defaultServiceWarnings()).toHaveLength(1);
    await CachingService.default.dispose();
  });

  it('does not warn in an application that set a default', async () => {
    const { Cache, CachingService } = freshCore();
    CachingService.default = CachingService.create({});
    class Catalogue {
      @Cache()
      name(id: number): string {
        return `product ${id}`;
      }
    }
    expect(new Catalogue().name(1)).toBe('product 1');
    await CachingService.default.invalidate(() => new Catalogue().name(1));
    expect(defaultServiceWarnings()).toHaveLength(0);
    await CachingService.default.dispose();
  });
});
