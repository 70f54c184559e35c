/**
 * Serialises sends on one ZeroMQ socket: zeromq.js refuses a send while another is in flight
 * ("socket busy"), and several async paths (data, resends, heartbeats) share sockets.
 */
export class SendQueue {
  private tail: Promise<unknown> = Promise.resolve();

  run<T>(fn: () => Promise<T>): Promise<T> {
    const next = this.tail.then(fn, fn);
    this.tail = next.catch(() => undefined);
    return next;
  }
}
