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

// `name` has @Cache below the guard's and Swagger's decorators and above the route's; `label` has it outermost.
describe.each([
  ['name', 'innermost but one', 'kettle', 'The product name, cached by the controller'],
  ['label', 'outermost', '#1 kettle', 'The product label, cached by the controller'],
])('@Cache on the controller route handler %s (%s)', (route, _place, body, description) => {
  it('keeps the route and its guard: the handler answers, the guard sees every request, the second from the cache', async () => {
    const seen = CountingGuard.seen;
    expect(await get(`${running.url}/products/1/${route}`)).toBe(body);
    const hits = running.service.stats().hits;
    expect(await get(`${running.url}/products/1/${route}`)).toBe(body);
    expect(CountingGuard.seen - seen).toBe(2);
    expect(running.service.stats().hits - hits).toBe(1); // the handler's own entry, nothing under it ran
    expect(table.reads).toBe(1);
  });

  it('keeps the parameter pipe: a bad id is refused with 400 before the cached method runs', async () => {
    const misses = running.service.stats().misses;
    expect((await fetch(`${running.url}/products/kettle/${route}`)).status).toBe(400);
    expect(running.service.stats().misses).toBe(misses);
  });

  it("keeps @nestjs/swagger's documentation: the generated document lists the route with its response", () => {
    const document = SwaggerModule.createDocument(running.app, new DocumentBuilder().setTitle('catalogue').build());
    const operation = document.paths[`/products/{id}/${route}`]?.get;
    expect(operation?.tags).toEqual(['catalogue']);
    expect(operation?.responses['200']).toMatchObject({ description });
    expect(operation?.parameters).toEqual([expect.objectContaining({ name: 'id', in: 'path', required: true })]);
  });
});
