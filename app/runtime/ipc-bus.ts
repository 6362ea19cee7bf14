// Channels between extensions and with the host. Who may publish or subscribe is the broker's
// decision (the policy's ipc grants); the bus only routes. A host that starts extensions on demand
// is told of each publish (`wake`): a stopped extension granted to receive on that channel is
// started, and the message waits in its mailbox until it subscribes.
import type { JsonValue } from '../protocol/methods.ts';

export interface IpcSubscriber {
  /** Who is listening: an extension id, or "host" for the application itself. */
  id: string;
  deliver(channel: string, message: JsonValue, from: string): void;
}

/** Messages kept for an extension being started, and for how long. */
export const MAILBOX_MAX = 100;
export const MAILBOX_TTL_MS = 30_000;

export interface IpcBusOptions {
  /**
   * Called on each publish with the channel: the ids of extensions the host is starting to receive
   * it (they are not running yet). Their messages wait until they subscribe.
   */
  wake?: (channel: string, from: string) => string[];
  /** Messages a woken extension never subscribed for in time, or beyond the mailbox cap. */
  onUndelivered?: (id: string, channel: string, count: number, why: string) => void;
}

interface Mailbox {
  messages: { message: JsonValue; from: string }[];
  dropped: number;
  timer: NodeJS.Timeout;
}

export class IpcBus {
  private readonly channels = new Map<string, Map<string, IpcSubscriber>>();
  private readonly mailboxes = new Map<string, Mailbox>();

  constructor(private readonly o: IpcBusOptions = {}) {}

  subscribe(channel: string, subscriber: IpcSubscriber): void {
    let subs = this.channels.get(channel);
    if (!subs) this.channels.set(channel, (subs = new Map()));
    subs.set(subscriber.id, subscriber);
    const key = `${subscriber.id}\0${channel}`;
    const box = this.mailboxes.get(key);
    if (!box) return;
    this.mailboxes.delete(key);
    clearTimeout(box.timer);
    for (const m of box.messages) subscriber.deliver(channel, m.message, m.from);
    if (box.dropped > 0)
      this.o.onUndelivered?.(
        subscriber.id,
        channel,
        box.dropped,
        `more than ${MAILBOX_MAX} messages waited while it started`,
      );
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

  /** Delivers to every subscriber but the sender (and woken ones); returns how many get it. */
  publish(channel: string, message: JsonValue, from: string): number {
    const subs = this.channels.get(channel);
    let delivered = 0;
    for (const sub of subs?.values() ?? []) {
      if (sub.id === from) continue;
      sub.deliver(channel, message, from);
      delivered++;
    }
    for (const id of this.o.wake?.(channel, from) ?? []) {
      if (id === from || subs?.has(id)) continue;
      this.keep(id, channel, message, from);
      delivered++;
    }
    return delivered;
  }

  private keep(id: string, channel: string, message: JsonValue, from: string): void {
    const key = `${id}\0${channel}`;
    let box = this.mailboxes.get(key);
    if (!box) {
      const timer = setTimeout(() => {
        this.mailboxes.delete(key);
        const count = box!.messages.length + box!.dropped;
        this.o.onUndelivered?.(
          id,
          channel,
          count,
          `it was started to receive them but did not subscribe within ${MAILBOX_TTL_MS / 1000} s`,
        );
      }, MAILBOX_TTL_MS);
      timer.unref();
      box = { messages: [], dropped: 0, timer };
      this.mailboxes.set(key, box);
    }
    if (box.messages.length < MAILBOX_MAX) box.messages.push({ message, from });
    else box.dropped++;
  }
}
