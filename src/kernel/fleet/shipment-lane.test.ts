import { describe, expect, it } from 'vitest';
import { ShipmentLane } from './shipment-lane.ts';

describe('ShipmentLane', () => {
  it('holds shipments while an order is being taken, then lets at most its limit go at once', async () => {
    const lane = new ShipmentLane(2);
    const order = Promise.withResolvers<void>();
    const taking = lane.takingOrder(() => order.promise);
    const started: number[] = [];
    const finish = [0, 1, 2].map(() => Promise.withResolvers<void>());
    const shipments = [0, 1, 2].map((index) =>
      lane.shipping(async () => {
        started.push(index);
        await finish[index]!.promise;
        return index;
      }),
    );
    await new Promise((resolve) => setImmediate(resolve));
    expect(started).toEqual([]);

    order.resolve();
    await taking;
    await new Promise((resolve) => setImmediate(resolve));
    expect(started).toEqual([0, 1]);
    finish[0]!.resolve();
    await shipments[0];
    await new Promise((resolve) => setImmediate(resolve));
    expect(started).toEqual([0, 1, 2]);
    finish[1]!.resolve();
    finish[2]!.resolve();
    expect(await Promise.all(shipments)).toEqual([0, 1, 2]);
  });

  it('frees its place when a shipment fails', async () => {
    const lane = new ShipmentLane(1);
    await expect(
      lane.shipping(async () => {
        throw new Error('the server is away');
      }),
    ).rejects.toThrow('the server is away');
    expect(await lane.shipping(async () => 'shipped')).toBe('shipped');
  });
});
