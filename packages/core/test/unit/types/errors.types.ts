// Compiled by `pnpm typecheck` under both decorator settings, never run: each `@ts-expect-error` fails
// the typecheck if the line below it compiles.
import { CacheKeyError, CachetError, type CachetErrorCode, errors, SynchronizationError } from '@cachet/core';

type Equal<A, B> = (<T>() => T extends A ? 1 : 2) extends <T>() => T extends B ? 1 : 2 ? true : false;

/** The codes of core's classes, written out: `CachetError['code']` must hold at least these. */
type CoreCodes =
  | 'E_CACHE_KEY'
  | 'E_CONFIGURATION'
  | 'E_UNKNOWN_PROFILE'
  | 'E_DECORATOR_USAGE'
  | 'E_INVALIDATE_MAPPING'
  | 'E_NOTHING_CAPTURED'
  | 'E_DISPOSED'
  | 'E_LOAD_TIMEOUT'
  | 'E_SYNC_CONNECT'
  | 'E_SYNC_PUBLISH'
  | 'E_SYNC_STALLED'
  | 'E_UNSERIALIZABLE';

export const mapHasEveryCoreCode: Equal<keyof typeof errors, CoreCodes> = true;
/** This program compiles every package, so the codes the transports register are in the union too. */
type TransportCodes = 'E_TYPETEST_TRANSPORT' | `E_${'REDIS' | 'POSTGRES' | 'NATS' | 'AZURE'}_${string}`;
export const codeIsTheUnion: Equal<Exclude<CachetError['code'], TransportCodes>, CoreCodes> = true;
export const codeAliasIsTheSame: Equal<CachetErrorCode, CachetError['code']> = true;

/** Each entry of `errors` is the class whose errors carry that code. */
type MapMatchesCodes = { [Code in keyof typeof errors]: Code extends InstanceType<(typeof errors)[Code]>['code'] ? true : false }[keyof typeof errors];
export const mapMatchesCodes: Equal<MapMatchesCodes, true> = true;

export function narrowed(error: CacheKeyError, sync: SynchronizationError): void {
  const code: 'E_CACHE_KEY' = error.code;
  const syncCode: 'E_SYNC_CONNECT' | 'E_SYNC_PUBLISH' | 'E_SYNC_STALLED' = sync.code;
  // @ts-expect-error: a CacheKeyError's code is E_CACHE_KEY only.
  const other: 'E_CONFIGURATION' = error.code;
  void [code, syncCode, other];
}

export function notACode(error: CachetError): boolean {
  // @ts-expect-error: not a code of any class.
  return error.code === 'E_CACHE_KYE';
}

/** A transport's error class with its own code, registered as the README says. */
export class TypeTestTransportError extends CachetError {
  declare readonly code: 'E_TYPETEST_TRANSPORT';

  constructor() {
    super('E_TYPETEST_TRANSPORT', 'a transport failed');
  }
}

declare module '@cachet/core' {
  interface CachetErrorCodes {
    E_TYPETEST_TRANSPORT: TypeTestTransportError;
  }
}

export function registeredCodeIsInTheUnion(error: CachetError): boolean {
  return error.code === 'E_TYPETEST_TRANSPORT';
}

/** A class that declares a code nobody registered does not compile: `code` cannot leave the union. */
export class UnregisteredError extends CachetError {
  // @ts-expect-error: E_TYPETEST_UNREGISTERED is not in CachetErrorCodes.
  declare readonly code: 'E_TYPETEST_UNREGISTERED';
}
