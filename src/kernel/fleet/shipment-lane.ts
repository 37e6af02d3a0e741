// How the agents joined from one process share it between the orders they take and the audit they ship.

/** The longest a shipment waits for orders being taken: one taking longer is stuck, and shipping goes on. */
const maxShipmentDelayMs = 5_000;
/**
 * The most shipments in flight at once from one process. A process holding many agents would otherwise open a
 * connection per agent at once, and a burst of new connections overflows the server's accept queue: dropped
 * connections are retried only after a second or more, the order submitted meanwhile included.
 */
const maxShipmentsInFlight = 8;

/**
 * The audit shipments of every agent joined from this process, and the orders they take. A shipment waits while
 * any order is being taken from a stream (a fleet stop reaching many agents at once is handled before their
 * shipments), for at most `maxShipmentDelayMs`, so a steady flow of orders delays shipments but never stops them;
 * then it waits for one of `maxShipmentsInFlight` places.
 */
export class ShipmentLane {
  readonly #maxInFlight: number;
  #ordersInFlight = 0;
  #idle: PromiseWithResolvers<void> | undefined;
  #shipmentsInFlight = 0;
  readonly #waiting: Array<() => void> = [];

  constructor(maxInFlight = maxShipmentsInFlight) {
    this.#maxInFlight = maxInFlight;
  }

  /** Runs the taking of one order; shipments wait until no order is being taken. */
  async takingOrder<T>(work: () => Promise<T>): Promise<T> {
    this.#ordersInFlight += 1;
    try {
      return await work();
    } finally {
      this.#ordersInFlight -= 1;
      if (this.#ordersInFlight === 0) {
        this.#idle?.resolve();
        this.#idle = undefined;
      }
    }
  }

  /** Runs one shipment once orders have been taken and a place is free. */
  async shipping<T>(work: () => Promise<T>): Promise<T> {
    await this.#ordersSettled(maxShipmentDelayMs);
    while (this.#shipmentsInFlight >= this.#maxInFlight) {
      await new Promise<void>((resolve) => this.#waiting.push(resolve));
    }
    this.#shipmentsInFlight += 1;
    try {
      return await work();
    } finally {
      this.#shipmentsInFlight -= 1;
      this.#waiting.shift()?.();
    }
  }

  #ordersSettled(maxWaitMs: number): Promise<void> {
    if (this.#ordersInFlight === 0) return Promise.resolve();
    this.#idle ??= Promise.withResolvers<void>();
    let timer: NodeJS.Timeout | undefined;
    return Promise.race([
      this.#idle.promise,
      new Promise<void>((resolve) => {
        timer = setTimeout(resolve, maxWaitMs).unref();
      }),
    ]).finally(() => clearTimeout(timer));
  }
}
