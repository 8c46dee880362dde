import 'reflect-metadata';
import { Cache, CachingService, InvalidateCache } from '@cachet/core';
import {
  Body,
  type CanActivate,
  Controller,
  type DynamicModule,
  Get,
  Injectable,
  type INestApplication,
  Module,
  Param,
  ParseIntPipe,
  type Provider,
  type Type,
  Put,
  UseGuards,
} from '@nestjs/common';
import { ApiOkResponse, ApiTags } from '@nestjs/swagger';
import { Test } from '@nestjs/testing';

/** The database both applications of a test share: a map, counting its reads. */
export class ProductTable {
  reads = 0;
  private readonly names = new Map<number, string>([
    [1, 'kettle'],
    [2, 'teapot'],
  ]);

  read(id: number): string | undefined {
    this.reads++;
    return this.names.get(id);
  }

  write(id: number, name: string): void {
    this.names.set(id, name);
  }
}

@Injectable()
export class CatalogueService {
  constructor(
    private readonly table: ProductTable,
    readonly caching: CachingService,
  ) {}

  @Cache()
  async getProduct(id: number): Promise<{ id: number; name: string | undefined }> {
    return { id, name: this.table.read(id) };
  }

  @InvalidateCache('getProduct')
  async renameProduct(id: number, name: string): Promise<void> {
    this.table.write(id, name);
  }
}

/** Lets every request through, and counts the requests it saw: proof that the guard still runs. */
@Injectable()
export class CountingGuard implements CanActivate {
  static seen = 0;
  canActivate(): boolean {
    CountingGuard.seen++;
    return true;
  }
}

@ApiTags('catalogue')
@Controller('products')
export class CatalogueController {
  constructor(private readonly catalogue: CatalogueService) {}

  @Get(':id')
  @ApiOkResponse({ description: 'The product' })
  async get(@Param('id', ParseIntPipe) id: number): Promise<{ id: number; name: string | undefined }> {
    return this.catalogue.getProduct(id);
  }

  @Put(':id')
  async rename(@Param('id', ParseIntPipe) id: number, @Body() body: { name: string }): Promise<void> {
    await this.catalogue.renameProduct(id, body.name);
  }

  /** `@Cache` on the route handler itself, above the route's and below the guard's and Swagger's decorators. */
  @UseGuards(CountingGuard)
  @ApiOkResponse({ description: 'The product name, cached by the controller' })
  @Cache()
  @Get(':id/name')
  async name(@Param('id', ParseIntPipe) id: number): Promise<string | undefined> {
    return (await this.catalogue.getProduct(id)).name;
  }

  /** `@Cache` outermost, applied after the route's, the guard's and Swagger's decorators. */
  @Cache()
  @UseGuards(CountingGuard)
  @ApiOkResponse({ description: 'The product label, cached by the controller' })
  @Get(':id/label')
  async label(@Param('id', ParseIntPipe) id: number): Promise<string> {
    return `#${id} ${(await this.catalogue.getProduct(id)).name}`;
  }
}

/** The application module, around the CachetModule a test configures. */
export function catalogueModule(table: ProductTable, cachet: DynamicModule, extra: { providers?: Provider[]; controllers?: Type[] } = {}): DynamicModule {
  @Module({})
  class CatalogueAppModule {}
  return {
    module: CatalogueAppModule,
    imports: [cachet],
    controllers: [CatalogueController, ...(extra.controllers ?? [])],
    providers: [{ provide: ProductTable, useValue: table }, CatalogueService, CountingGuard, ...(extra.providers ?? [])],
  };
}

/** A listening application built with @nestjs/testing, and its base URL on 127.0.0.1. */
export interface RunningApp {
  readonly app: INestApplication;
  readonly url: string;
  readonly service: CachingService;
}

/** Builds, initializes and starts an application on a free port. */
export async function startApp(module: DynamicModule): Promise<RunningApp> {
  const testing = await Test.createTestingModule({ imports: [module] }).compile();
  const app = testing.createNestApplication({ logger: false });
  await app.listen(0, '127.0.0.1');
  const address = app.getHttpServer().address() as { port: number };
  return { app, url: `http://127.0.0.1:${address.port}`, service: app.get(CachingService) };
}

/** GETs JSON or text from a running application. */
export async function get(url: string): Promise<unknown> {
  const response = await fetch(url);
  if (!response.ok) throw new Error(`GET ${url}: ${response.status} ${await response.text()}`);
  const text = await response.text();
  return response.headers.get('content-type')?.includes('json') === true ? JSON.parse(text) : text;
}

/** PUTs a JSON body. */
export async function put(url: string, body: unknown): Promise<void> {
  const response = await fetch(url, { method: 'PUT', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
  if (!response.ok) throw new Error(`PUT ${url}: ${response.status} ${await response.text()}`);
}
