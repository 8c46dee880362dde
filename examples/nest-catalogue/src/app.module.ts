import type { SynchronizationTransport } from '@cachet/core';
import { CachetModule } from '@cachet/nestjs';
import { type DynamicModule, Module } from '@nestjs/common';
import { CatalogueController } from './catalogue.controller';
import { CatalogueService } from './catalogue.service';
import { ProductTable } from './product-table';

@Module({})
export class AppModule {
  /** The application, synchronized by `bus`, over the product table `table`. */
  static create(bus: SynchronizationTransport, table: ProductTable): DynamicModule {
    return {
      module: AppModule,
      imports: [CachetModule.forRoot({ isGlobal: true, synchronization: bus, profiles: { hot: { ttl: 60_000 } } })],
      controllers: [CatalogueController],
      providers: [CatalogueService, { provide: ProductTable, useValue: table }],
    };
  }
}
