import { KeypairSlots } from './keypair-slots';

interface TestKeypair {
  createdAt: number;
  index: number;
  key: Buffer;
}

function make(index: number, createdAt = 0): TestKeypair {
  return { index, createdAt, key: Buffer.alloc(32, index) };
}

function setup() {
  const erased: number[] = [];
  const slots = new KeypairSlots<TestKeypair>({
    onErase: (keypair) => {
      keypair.key.fill(0);
      erased.push(keypair.index);
    },
  });
  return { slots, erased };
}

const zeroed = (keypair: TestKeypair) => keypair.key.every((byte) => byte === 0);

describe('KeypairSlots', () => {
  test('initiator rotation: current moves to previous, the old previous is erased and zeroed', () => {
    const { slots, erased } = setup();
    const [k1, k2, k3] = [make(1), make(2), make(3)];
    slots.setCurrent(k1);
    slots.setCurrent(k2);
    expect(slots.previous).toBe(k1);
    expect(slots.current).toBe(k2);
    slots.setCurrent(k3);
    expect(erased).toEqual([1]);
    expect(zeroed(k1)).toBe(true);
    expect(zeroed(k2)).toBe(false);
    expect([slots.previous, slots.current, slots.next]).toEqual([k2, k3, null]);
  });

  test('responder rotation: next waits until promoted, then current becomes previous', () => {
    const { slots, erased } = setup();
    const [k1, k2, k3] = [make(1), make(2), make(3)];
    slots.setCurrent(k1);
    slots.setCurrent(k2); // previous = k1
    slots.installNext(k3);
    expect(erased).toEqual([1]); // previous dropped on install, as in WireGuard
    expect([slots.previous, slots.current, slots.next]).toEqual([null, k2, k3]);
    expect(slots.promoteNext()).toBe(true);
    expect([slots.previous, slots.current, slots.next]).toEqual([k2, k3, null]);
    expect(slots.promoteNext()).toBe(false);
  });

  test('installing a second next erases the first', () => {
    const { slots, erased } = setup();
    slots.installNext(make(1));
    slots.installNext(make(2));
    expect(erased).toEqual([1]);
    expect(slots.next?.index).toBe(2);
  });

  test('setCurrent while a next is pending keeps next as previous and erases the old current', () => {
    const { slots, erased } = setup();
    slots.setCurrent(make(1));
    slots.installNext(make(2));
    slots.setCurrent(make(3));
    expect(erased).toEqual([1]);
    expect([slots.previous?.index, slots.current?.index, slots.next]).toEqual([2, 3, null]);
  });

  test('findByIndex searches all three slots and names the slot', () => {
    const { slots } = setup();
    slots.setCurrent(make(1));
    slots.setCurrent(make(2));
    slots.installNext(make(3)); // drops 1
    slots.promoteNext(); // previous 2, current 3
    slots.installNext(make(4)); // drops 2
    expect(slots.findByIndex((k) => k.index === 3)).toEqual({ slot: 'current', keypair: expect.objectContaining({ index: 3 }) });
    expect(slots.findByIndex((k) => k.index === 4)?.slot).toBe('next');
    expect(slots.findByIndex((k) => k.index === 2)).toBeNull();
    slots.setCurrent(make(5)); // previous = 4 (pending next)
    expect(slots.findByIndex((k) => k.index === 4)?.slot).toBe('previous');
  });

  test('eraseExpired removes only keypairs at least maxAge old', () => {
    const { slots, erased } = setup();
    slots.setCurrent(make(1, 0));
    slots.setCurrent(make(2, 100));
    slots.installNext(make(3, 150)); // drops 1
    expect(slots.eraseExpired(180, 100)).toBe(0);
    expect(slots.eraseExpired(200, 100)).toBe(1);
    expect(erased).toEqual([1, 2]);
    expect(slots.current).toBeNull();
    expect(slots.next?.index).toBe(3);
  });

  test('eraseAll zeroes everything exactly once', () => {
    const { slots, erased } = setup();
    const keys = [make(1), make(2), make(3)];
    slots.setCurrent(keys[0]);
    slots.setCurrent(keys[1]);
    slots.installNext(keys[2]);
    slots.eraseAll();
    slots.eraseAll();
    expect(erased).toEqual([1, 2, 3]);
    expect(keys.every(zeroed)).toBe(true);
    expect([slots.previous, slots.current, slots.next]).toEqual([null, null, null]);
  });
});
