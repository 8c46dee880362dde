import { subscribe, type TracingChannelSubscribers, tracingChannel, unsubscribe } from 'node:diagnostics_channel';
import { type CachingEvents, diagnosticsChannelNames } from '@cachet/core';

/** Subscriptions made on diagnostics channels, undone together. */
export class ChannelSubscriptions {
  private readonly undo: (() => void)[] = [];

  /** Subscribes to the channel of a service event. */
  event<E extends keyof CachingEvents>(name: E, handler: (event: CachingEvents[E]) => void): void {
    const channelName = diagnosticsChannelNames[name];
    const subscriber = (message: unknown): void => handler(message as CachingEvents[E]);
    subscribe(channelName, subscriber);
    this.undo.push(() => unsubscribe(channelName, subscriber));
  }

  /** Subscribes to some of a tracing channel's events (only those given are subscribed to). */
  tracing<C extends object>(name: string, handlers: Partial<TracingChannelSubscribers<C>>): void {
    const channel = tracingChannel<unknown, C>(name);
    const given = handlers as TracingChannelSubscribers<C>;
    channel.subscribe(given);
    this.undo.push(() => channel.unsubscribe(given));
  }

  /** Undoes every subscription. */
  stop(): void {
    for (const step of this.undo.splice(0)) step();
  }
}
