import type { CachingService } from '@cachet/core';
import type { DiscoveryService } from '@nestjs/core';

type Wrapper = ReturnType<DiscoveryService['getProviders']>[number];

/** The objects an application created once, at bootstrap: what its singleton and transient wrappers hold. */
function staticInstances(wrapper: Wrapper): unknown[] {
  // A value provider's object was made outside the application, and may be another application's too.
  if (wrapper.metatype === null || wrapper.metatype === undefined || !wrapper.isDependencyTreeStatic()) return [];
  if (wrapper.isTransient) return wrapper.getStaticTransientInstances().map((host) => host?.instance);
  return [wrapper.instance];
}

/**
 * Binds every provider and controller object the application created at bootstrap to its service, so their
 * cached methods use it wherever they are called from. Objects created per request are not among them:
 * they run inside the request's `service.run()`.
 */
export function bindApplicationInstances(service: CachingService, discovery: DiscoveryService): void {
  for (const wrapper of [...discovery.getProviders(), ...discovery.getControllers()]) {
    for (const instance of staticInstances(wrapper)) {
      if ((typeof instance === 'object' && instance !== null) || typeof instance === 'function') service.bind(instance);
    }
  }
}
