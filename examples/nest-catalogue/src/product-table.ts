import { readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/** A product as the catalogue serves it. */
export interface Product {
  readonly id: number;
  readonly name: string;
}

const SEED: Record<string, string> = { '1': 'kettle', '2': 'teapot', '3': 'samovar' };

/**
 * The database both processes share: a JSON file, so that two processes see one another's writes. Every
 * read is logged, to show which requests the cache answered.
 */
export class ProductTable {
  constructor(
    private readonly file: string = process.env['CATALOGUE_FILE'] ?? join(tmpdir(), 'cachet-nest-catalogue.json'),
    private readonly label: string = '',
  ) {}

  /** Writes the seed products, replacing what an earlier run left. */
  reset(): void {
    writeFileSync(this.file, JSON.stringify(SEED));
  }

  read(id: number): Product | undefined {
    const name = this.rows()[String(id)];
    console.log(`${this.label}database read: product ${id}`);
    return name === undefined ? undefined : { id, name };
  }

  write(id: number, name: string): void {
    writeFileSync(this.file, JSON.stringify({ ...this.rows(), [String(id)]: name }));
  }

  private rows(): Record<string, string> {
    return JSON.parse(readFileSync(this.file, 'utf8')) as Record<string, string>;
  }
}
