import { MeasureWindow, type WindowResult } from './measure-window';

describe('MeasureWindow', () => {
  it('counts only what happens after the warm-up, over about the window length', async () => {
    let count = 0;
    const result = await new Promise<WindowResult>((resolve) => {
      const w = new MeasureWindow(30, 60, () => count, resolve);
      count = 100; // before arming: never counted
      w.arm();
      count += 5; // during the warm-up: not counted either
      setTimeout(() => {
        count += 7; // inside the window
        w.arm(); // arming again changes nothing
      }, 50);
    });
    expect(result.count).toBe(7);
    expect(result.elapsedMs).toBeGreaterThanOrEqual(55);
  });
});
