import { RecvStream } from './recv-stream';

function framed(...messages: string[]): Buffer {
  return Buffer.concat(
    messages.flatMap((m) => {
      const prefix = Buffer.alloc(4);
      prefix.writeUInt32BE(Buffer.byteLength(m), 0);
      return [prefix, Buffer.from(m)];
    }),
  );
}

/** Feeds `bytes` as frames cut at `cuts`, in the given order of pieces; returns the messages delivered. */
function deliver(bytes: Buffer, cuts: number[], order?: number[]): string[] {
  const stream = new RecvStream(1, 1 << 20);
  const bounds = [0, ...cuts, bytes.length];
  const pieces = bounds.slice(1).map((end, i) => ({ offset: bounds[i], data: Buffer.from(bytes.subarray(bounds[i], end)) }));
  const got: string[] = [];
  for (const i of order ?? pieces.map((_, k) => k)) {
    for (const m of stream.onData(pieces[i].offset, pieces[i].data).messages) got.push(m.toString());
  }
  return got;
}

describe('RecvStream', () => {
  const bytes = framed('hello', '', 'a longer message that spans frames', 'z');

  test('in-order frames, cut anywhere (inside a length prefix too), deliver every message once', () => {
    for (let a = 1; a < bytes.length - 1; a += 3) {
      for (let b = a + 1; b < bytes.length; b += 5) {
        expect(deliver(bytes, [a, b])).toEqual(['hello', '', 'a longer message that spans frames', 'z']);
      }
    }
  });

  test('out-of-order and duplicate frames deliver the same messages in order', () => {
    expect(deliver(bytes, [3, 10, 20, 30, 40], [2, 0, 4, 1, 3, 5])).toEqual(['hello', '', 'a longer message that spans frames', 'z']);
    const stream = new RecvStream(1, 1 << 20);
    const first = stream.onData(0, bytes.subarray(0, 12)).messages.map(String);
    const again = stream.onData(0, bytes.subarray(0, 20)).messages.map(String);
    const rest = stream.onData(12, bytes.subarray(12)).messages.map(String);
    expect([...first, ...again, ...rest]).toEqual(['hello', '', 'a longer message that spans frames', 'z']);
  });

  test('a delivered message does not share memory with the frame it came in', () => {
    const stream = new RecvStream(1, 1 << 20);
    const frame = framed('copy me');
    const [message] = stream.onData(0, frame).messages;
    frame.fill(0);
    expect(message.toString()).toBe('copy me');
  });
});
