import { DEFAULT_CRON_LOG_LIMIT, parseArgs } from './args';
import { UsageError } from './usage-error';

const usage = (argv: string[]) => {
  try {
    parseArgs(argv);
  } catch (err) {
    expect(err).toBeInstanceOf(UsageError);
    expect((err as Error).message).not.toContain('\n');
    return (err as Error).message;
  }
  throw new Error(`expected a usage error for ${argv.join(' ')}`);
};

describe('parseArgs', () => {
  test('no argument is the TUI; a .sec path is the TUI with that file', () => {
    expect(parseArgs([])).toEqual({ command: { kind: 'tui' }, flags: { json: false } });
    expect(parseArgs(['dl/clawchat-current.sec']).flags.sec).toBe('dl/clawchat-current.sec');
    expect(parseArgs(['x.sec', '--relay', '10.0.0.1:50000']).flags.relay).toEqual({ host: '10.0.0.1', port: 50000 });
    expect(parseArgs(['--relay=[::1]:7']).flags.relay).toEqual({ host: '::1', port: 7 });
  });

  test('help and version win wherever they appear', () => {
    expect(parseArgs(['files', 'ls', '--help']).command).toEqual({ kind: 'help' });
    expect(parseArgs(['help']).command).toEqual({ kind: 'help' });
    expect(parseArgs(['-V']).command).toEqual({ kind: 'version' });
  });

  test('send joins its words; flags go anywhere', () => {
    expect(parseArgs(['send', '--json', 'hello', 'world', '--sec', 'a.sec'])).toEqual({
      command: { kind: 'send', text: 'hello world' },
      flags: { json: true, sec: 'a.sec', relay: undefined },
    });
    expect(parseArgs(['send']).command).toEqual({ kind: 'send', text: undefined });
    expect(parseArgs(['send', '--', '-5 degrees']).command).toEqual({ kind: 'send', text: '-5 degrees' });
  });

  test('files and cron actions with their arguments', () => {
    expect(parseArgs(['files', 'ls']).command).toEqual({ kind: 'files', action: 'ls', path: '' });
    expect(parseArgs(['files', 'get', 'docs/a.txt', '/tmp', '-f']).command).toEqual({ kind: 'files', action: 'get', remote: 'docs/a.txt', local: '/tmp', overwrite: true });
    expect(parseArgs(['files', 'put', 'a.txt']).command).toEqual({ kind: 'files', action: 'put', local: 'a.txt', remote: undefined, overwrite: false });
    expect(parseArgs(['files', 'rm', '-r', 'old']).command).toEqual({ kind: 'files', action: 'rm', path: 'old', recursive: true });
    expect(parseArgs(['files', 'mv', 'a', 'b']).command).toEqual({ kind: 'files', action: 'mv', from: 'a', to: 'b', overwrite: false });
    expect(parseArgs(['cron', 'ls']).command).toEqual({ kind: 'cron', action: 'ls' });
    expect(parseArgs(['cron', 'run', 'backup']).command).toEqual({ kind: 'cron', action: 'run', name: 'backup' });
    expect(parseArgs(['cron', 'log', 'backup']).command).toEqual({ kind: 'cron', action: 'log', name: 'backup', limit: DEFAULT_CRON_LOG_LIMIT });
    expect(parseArgs(['cron', 'log', 'backup', '--limit', '3']).command).toMatchObject({ limit: 3 });
    expect(parseArgs(['status', '--json']).command).toEqual({ kind: 'status' });
  });

  test('mistakes are one-line usage errors', () => {
    expect(usage(['frobnicate'])).toMatch(/unknown command "frobnicate"/);
    expect(usage(['--nope'])).toMatch(/unknown option --nope/);
    expect(usage(['files'])).toMatch(/missing action/);
    expect(usage(['files', 'frob'])).toMatch(/unknown action "files frob"/);
    expect(usage(['files', 'mv', 'a'])).toMatch(/missing argument/);
    expect(usage(['files', 'mkdir', 'a', 'b'])).toMatch(/unexpected argument "b"/);
    expect(usage(['cron', 'run'])).toMatch(/missing argument/);
    expect(usage(['cron', 'log', 'x', '--limit', '0'])).toMatch(/--limit must be/);
    expect(usage(['files', 'ls', '--limit', '3'])).toMatch(/only applies to cron log/);
    expect(usage(['--relay', 'nohost'])).toMatch(/--relay expects host:port/);
    expect(usage(['--relay', 'h:70000'])).toMatch(/--relay expects/);
    expect(usage(['--sec'])).toMatch(/--sec needs a value/);
    expect(usage(['status', 'now'])).toMatch(/unexpected argument "now"/);
    expect(usage(['a.sec', '--sec', 'b.sec'])).toMatch(/either as an argument or with --sec/);
  });
});
