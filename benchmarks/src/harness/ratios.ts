import { formatRatio } from './format.js';

/** A measured figure of one library, lower being better. */
export interface Figure {
  readonly name: string;
  readonly value: number;
}

/** Formats `value` against the floor's and cachet's figures: the two ratio columns of every table. */
export function ratioCells(value: number, figures: readonly Figure[], floorName: string, cachetName: string): [string, string] {
  const reference = (name: string): number => figures.find((figure) => figure.name === name)?.value ?? Number.NaN;
  return [formatRatio(value, reference(floorName)), formatRatio(value, reference(cachetName))];
}
