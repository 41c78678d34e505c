import { KeyedLock } from './keyed-lock';

describe('KeyedLock', () => {
  test('runs jobs of one key in order, one at a time, even when one fails', async () => {
    const lock = new KeyedLock();
    const log: string[] = [];
    let releaseFirst: () => void = () => undefined;
    const first = lock.run('k', () => new Promise<void>((resolve) => {
      log.push('first start');
      releaseFirst = () => {
        log.push('first end');
        resolve();
      };
    }));
    const failing = lock.run('k', async () => {
      log.push('second');
      throw new Error('boom');
    });
    const third = lock.run('k', async () => {
      log.push('third');
      return 3;
    });
    const other = lock.run('other', async () => {
      log.push('other key');
    });
    await other;
    expect(log).toEqual(['first start', 'other key']);
    releaseFirst();
    await first;
    await expect(failing).rejects.toThrow('boom');
    expect(await third).toBe(3);
    expect(log).toEqual(['first start', 'other key', 'first end', 'second', 'third']);
  });
});
