/**
 * An in-memory Outbox for unit tests: records what is sent and pushed, lets a test hold download
 * backpressure (buffered bytes) and release it, and awaits conditions without sleeping.
 * Every message is encoded like the real link does, so a message the codec refuses (a field out of
 * range) fails the test instead of turning into an INTERNAL error only in production.
 */
import { encodeMessage, type EncodableMessage } from '@clawchat/protocol';
import type { Outbox, Route } from '../link/outbox';

export interface Sent {
  route: Route;
  message: EncodableMessage;
}

export class FakeOutbox implements Outbox {
  readonly sent: Sent[] = [];
  readonly pushed: { message: EncodableMessage; streamClass: number; except?: string }[] = [];
  /** Clients a push reaches (keys). */
  clients: string[] = [];
  bufferedBytes = 0;
  closedClients = new Set<string>();
  private progressWaiters: (() => void)[] = [];
  private waiters = new Set<() => void>();

  send(route: Route, message: EncodableMessage): boolean {
    encodeMessage(message);
    if (this.closedClients.has(route.client)) return false;
    this.sent.push({ route, message });
    this.notify();
    return true;
  }

  push(message: EncodableMessage, streamClass: number, except?: string): number {
    encodeMessage(message);
    this.pushed.push({ message, streamClass, except });
    this.notify();
    return this.clients.filter((c) => c !== except).length;
  }

  buffered(): number {
    return this.bufferedBytes;
  }

  progress(): Promise<void> {
    return new Promise((resolve) => {
      this.progressWaiters.push(resolve);
      this.notify();
    });
  }

  get progressWaiting(): number {
    return this.progressWaiters.length;
  }

  /** Simulates acks arriving: sets the buffered bytes and wakes every waiting download. */
  drain(bytes = 0): void {
    this.bufferedBytes = bytes;
    for (const wake of this.progressWaiters.splice(0)) wake();
  }

  isOpen(route: Route): boolean {
    return !this.closedClients.has(route.client);
  }

  /** Messages sent with re = id, in order. */
  answers(id: string): EncodableMessage[] {
    return this.sent.filter((s) => (s.message as { re?: string }).re === id).map((s) => s.message);
  }

  until(pred: () => boolean, timeoutMs = 5_000): Promise<void> {
    return new Promise((resolve, reject) => {
      if (pred()) return resolve();
      const timer = setTimeout(() => {
        this.waiters.delete(check);
        reject(new Error(`condition not reached within ${timeoutMs} ms; sent: ${this.sent.map((s) => s.message.type).join(',')}`));
      }, timeoutMs);
      const check = () => {
        if (!pred()) return;
        clearTimeout(timer);
        this.waiters.delete(check);
        resolve();
      };
      this.waiters.add(check);
    });
  }

  private notify(): void {
    for (const w of [...this.waiters]) w();
  }
}
