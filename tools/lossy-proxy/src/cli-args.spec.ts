import { CliUsageError, parseCliArgs, parseControlLine, parseEndpoint } from './cli-args';

describe('parseCliArgs', () => {
  it('parses every option', () => {
    const parsed = parseCliArgs([
      '--listen', '127.0.0.1:4000', '--target', '[::1]:5000', '--loss', '0.2', '--loss-down', '0.1',
      '--duplicate', '0.05', '--reorder', '0.1', '--reorder-hold', '5', '--delay', '20', '--jitter', '4', '--seed', '9',
    ]);
    expect(parsed).toEqual({
      kind: 'run',
      options: {
        target: { host: '::1', port: 5000 },
        listenHost: '127.0.0.1',
        listenPort: 4000,
        loss: 0.2,
        lossUp: undefined,
        lossDown: 0.1,
        duplicate: 0.05,
        reorder: 0.1,
        reorderHoldMs: 5,
        delayMs: 20,
        jitterMs: 4,
        seed: 9,
      },
    });
  });

  it('defaults to 127.0.0.1 on a free port with no impairment', () => {
    const parsed = parseCliArgs(['--target', 'localhost:9']);
    expect(parsed).toMatchObject({ kind: 'run', options: { listenHost: '127.0.0.1', listenPort: 0, loss: undefined, delayMs: undefined } });
  });

  it('rejects bad input with a one-line message', () => {
    expect(() => parseCliArgs([])).toThrow(/--target HOST:PORT is required/);
    expect(() => parseCliArgs(['--target', 'nope'])).toThrow(CliUsageError);
    expect(() => parseCliArgs(['--target', 'h:1', '--loss', '2'])).toThrow(/--loss.*probability/);
    expect(() => parseCliArgs(['--target', 'h:1', '--delay', 'soon'])).toThrow(/--delay must be a number/);
    expect(() => parseCliArgs(['--target', 'h:1', '--bogus'])).toThrow(CliUsageError);
    expect(parseCliArgs(['--help'])).toEqual({ kind: 'help' });
  });

  it('parses endpoints', () => {
    expect(parseEndpoint(':7', '--listen')).toEqual({ host: '127.0.0.1', port: 7 });
    expect(parseEndpoint('relay.example:51820', '--target')).toEqual({ host: 'relay.example', port: 51820 });
    expect(() => parseEndpoint('h:70000', '--target')).toThrow(CliUsageError);
  });
});

describe('parseControlLine', () => {
  it('understands rebind, loss and stats', () => {
    expect(parseControlLine(' rebind ')).toEqual({ kind: 'rebind' });
    expect(parseControlLine('loss 0.3')).toEqual({ kind: 'loss', up: 0.3, down: 0.3 });
    expect(parseControlLine('loss 0.3 0')).toEqual({ kind: 'loss', up: 0.3, down: 0 });
    expect(parseControlLine('stats')).toEqual({ kind: 'stats' });
    expect(parseControlLine('')).toBeNull();
    expect(() => parseControlLine('loss 3')).toThrow(CliUsageError);
    expect(() => parseControlLine('explode')).toThrow(/unknown command/);
  });
});
