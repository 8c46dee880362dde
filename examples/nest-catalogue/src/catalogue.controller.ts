import { Body, Controller, Get, Param, ParseIntPipe, Put } from '@nestjs/common';
import { CatalogueService } from './catalogue.service';
import type { Product } from './product-table';

@Controller('products')
export class CatalogueController {
  constructor(private readonly catalogue: CatalogueService) {}

  @Get(':id')
  getProduct(@Param('id', ParseIntPipe) id: number): Promise<Product> {
    return this.catalogue.getProduct(id);
  }

  @Put(':id')
  async renameProduct(@Param('id', ParseIntPipe) id: number, @Body() body: { name: string }): Promise<Product> {
    await this.catalogue.renameProduct(id, body.name);
    return this.catalogue.getProduct(id);
  }
}
