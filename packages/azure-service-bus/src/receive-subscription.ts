import type { MessageHandlers, ServiceBusReceivedMessage, ServiceBusReceiver } from '@azure/service-bus';
import type { CachetError } from '@cachet/core';
import { connectError } from './error-mapping';

/** What {@link receiveSubscription} reports. */
export interface ReceiveEvents {
  message(message: ServiceBusReceivedMessage): void;
  /** The receiver link is attached (first time, and after every re-attach). */
  attached(): void;
  /** The SDK is re-attaching the link: the previous one was lost. */
  detached(reason: Error): void;
  /** A receive error; the SDK keeps retrying. */
  error(error: Error): void;
  /** Whether a receive error should end the wait for the first attach, and with which error. */
  fatal(error: Error): CachetError | undefined;
}

/**
 * The SDK's `subscribe()` handlers plus its `preInitialize`/`postInitialize` hooks. Those two are internal
 * to `@azure/service-bus` 7.x (`InternalMessageHandlers`): the streaming receiver calls them before and after
 * each link (re-)initialisation, which is the only way to learn that the link was re-attached. Without them
 * (a future SDK), `processError` still reports outages and the next received message reports recovery.
 */
interface HandlersWithLinkHooks extends MessageHandlers {
  preInitialize(): Promise<void>;
  postInitialize(): Promise<void>;
}

/** A running subscription: `ready` settles on the first attach (or a fatal error or timeout); `stop` ends it. */
export interface ReceiveSubscription {
  readonly ready: Promise<void>;
  stop(): Promise<void>;
}

/** Starts receiving in streaming mode and reports link attach/detach, messages and errors. */
export function receiveSubscription(receiver: ServiceBusReceiver, connectTimeoutMs: number, events: ReceiveEvents): ReceiveSubscription {
  let settled = false;
  let everAttached = false;
  let resolveReady!: () => void;
  let rejectReady!: (error: CachetError) => void;
  const ready = new Promise<void>((resolve, reject) => {
    resolveReady = resolve;
    rejectReady = reject;
  });
  const finish = (error?: CachetError): void => {
    if (settled) return;
    settled = true;
    clearTimeout(timer);
    if (error) rejectReady(error);
    else resolveReady();
  };
  const timer = setTimeout(
    () => finish(connectError(`the receiver on "${receiver.entityPath}" did not attach within ${connectTimeoutMs} ms (connectTimeoutMs).`, undefined)),
    connectTimeoutMs,
  );
  const handlers: HandlersWithLinkHooks = {
    processMessage: async (message) => events.message(message),
    processError: async ({ error, errorSource }) => {
      if (errorSource !== 'receive') return;
      events.error(error);
      const fatal = settled ? undefined : events.fatal(error);
      if (fatal) finish(fatal);
    },
    preInitialize: async () => {
      if (everAttached) events.detached(new Error(`the receiver link on "${receiver.entityPath}" was lost; the SDK is re-attaching it`));
    },
    postInitialize: async () => {
      everAttached = true;
      events.attached();
      finish();
    },
  };
  const subscription = receiver.subscribe(handlers);
  return {
    ready,
    stop: async () => {
      finish(connectError(`the receiver on "${receiver.entityPath}" was closed before it attached`, undefined));
      await subscription.close();
    },
  };
}
