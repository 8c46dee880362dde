import { CachetModule } from '@cachet/nestjs';
import { DocumentBuilder, SwaggerModule } from '@nestjs/swagger';
import { catalogueModule, CountingGuard, get, ProductTable, type RunningApp, startApp } from '../support/catalogue-app';

let table: ProductTable;
let running: RunningApp;
beforeAll(async () => {
  table = new ProductTable();
  running = await startApp(catalogueModule(table, CachetModule.forRoot()));
});
afterAll(() => running.app.close());

describe('@Cache on a controller route handler', () => {
  it('keeps the route and its guard: the handler answers, the guard sees every request, the second from the cache', async () => {
    const seen = CountingGuard.seen;
    expect(await get(`${running.url}/products/1/name`)).toBe('kettle');
    expect(await get(`${running.url}/products/1/name`)).toBe('kettle');
    expect(CountingGuard.seen - seen).toBe(2);
    expect(table.reads).toBe(1);
  });

  it('keeps the parameter pipe: a bad id is refused with 400 before the cached method runs', async () => {
    const response = await fetch(`${running.url}/products/kettle/name`);
    expect(response.status).toBe(400);
    expect(running.service.stats().entries).toBeLessThanOrEqual(2);
  });

  it("keeps @nestjs/swagger's documentation: the generated document lists the route with its response", () => {
    const document = SwaggerModule.createDocument(running.app, new DocumentBuilder().setTitle('catalogue').build());
    const operation = document.paths['/products/{id}/name']?.get;
    expect(operation?.tags).toEqual(['catalogue']);
    expect(operation?.responses['200']).toMatchObject({ description: 'The product name, cached by the controller' });
    expect(operation?.parameters).toEqual([expect.objectContaining({ name: 'id', in: 'path', required: true })]);
  });
});
