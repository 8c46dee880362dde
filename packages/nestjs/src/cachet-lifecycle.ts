import type { CachingService } from '@cachet/core';
import type { OnApplicationShutdown, OnModuleInit } from '@nestjs/common';
import type { DiscoveryService } from '@nestjs/core';
import { bindApplicationInstances } from './application-binding';

/**
 * Ties the application's service to the application's lifecycle: bound and initialized during
 * `app.init()` (which `app.listen()` calls), disposed when the application shuts down.
 */
export class CachetLifecycle implements OnModuleInit, OnApplicationShutdown {
  constructor(
    private readonly service: CachingService,
    private readonly discovery: DiscoveryService,
  ) {}

  /**
   * Binds the application's objects, then connects the synchronization: `app.init()` resolves only once the
   * subscription is active, and rejects with the transport's error when it cannot connect.
   */
  async onModuleInit(): Promise<void> {
    bindApplicationInstances(this.service, this.discovery);
    await this.service.initialize();
  }

  /**
   * Publishes what is queued and closes the connections: on `app.close()`, and on signals with
   * `enableShutdownHooks()`. The last shutdown hook (the module is imported by the modules that use it), so
   * other providers' `onModuleDestroy` and shutdown hooks may still invalidate.
   */
  async onApplicationShutdown(): Promise<void> {
    await this.service.dispose();
  }
}
