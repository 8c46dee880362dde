import { createHmac } from 'node:crypto';
import type { DropReason } from '@cachet/core';
import type { Instance } from './services';
import { eventually } from './services';

/** What every message of the current format begins with. */
export const HEADER = 'cachet/2 ';
/** A sender id no instance has. */
export const STRANGER = '00000000-0000-4000-8000-000000000000';

/** The body of a message as JSON sees it (its signature field, if any, included). */
export interface Body {
  n: string;
  s: string;
  q: number;
  k?: string[];
  d?: string[];
  g?: string;
}

export function bodyOf(message: string): Body {
  return JSON.parse(message.slice(HEADER.length)) as Body;
}

/** A message as any client could write it: the header and the JSON of `body`. */
export function forge(body: Record<string, unknown>): string {
  return HEADER + JSON.stringify(body);
}

/**
 * `message` signed under `key` as the README documents it, written here independently of the engine: the
 * base64url HMAC-SHA256 of the message's UTF-8 text, in a last field `"g"`.
 */
export function sign(message: string, key: string | Buffer): string {
  return `${message.slice(0, -1)},"g":"${createHmac('sha256', key).update(message).digest('base64url')}"}`;
}

/** A signed message without its signature field: what it was before it was signed. */
export function unsigned(message: string): string {
  return message.replace(/,"g":"[^"]*"\}$/, '}');
}

/** Resolves once `instance` has dropped `count` more messages for `reason` than when this was called. */
export function drops(instance: Instance, reason: DropReason, count: number): Promise<void> {
  const dropped = (): number => instance.service.stats().sync?.dropped[reason] ?? 0;
  const target = dropped() + count;
  return eventually(`${count} '${reason}' drops`, () => dropped() >= target);
}
