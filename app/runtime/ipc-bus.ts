// Channels between extensions and with the host. Who may publish or subscribe is the broker's
// decision (the policy's ipc grants); the bus only routes.
import type { JsonValue } from '../protocol/methods.ts';

export interface IpcSubscriber {
  /** Who is listening: an extension id, or "host" for the application itself. */
  id: string;
  deliver(channel: string, message: JsonValue, from: string): void;
}

export class IpcBus {
  private readonly channels = new Map<string, Map<string, IpcSubscriber>>();

  subscribe(channel: string, subscriber: IpcSubscriber): void {
    let subs = this.channels.get(channel);
    if (!subs) this.channels.set(channel, (subs = new Map()));
    subs.set(subscriber.id, subscriber);
  }

  /** Forgets every subscription of `id` (the extension stopped or lost its grant). */
  unsubscribeAll(id: string): void {
    for (const [channel, subs] of this.channels) {
      subs.delete(id);
      if (subs.size === 0) this.channels.delete(channel);
    }
  }

  unsubscribe(channel: string, id: string): void {
    this.channels.get(channel)?.delete(id);
  }

  /** Delivers to every subscriber but the sender; returns how many received it. */
  publish(channel: string, message: JsonValue, from: string): number {
    const subs = this.channels.get(channel);
    if (!subs) return 0;
    let delivered = 0;
    for (const sub of subs.values()) {
      if (sub.id === from) continue;
      sub.deliver(channel, message, from);
      delivered++;
    }
    return delivered;
  }
}
