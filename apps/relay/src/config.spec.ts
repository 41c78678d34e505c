import { ConfigError, parseArgs, resolveConfig } from './config';

describe('relay configuration', () => {
  test('flags override the environment', () => {
    const cfg = resolveConfig(parseArgs(['--ip', '0.0.0.0', '--port', '50001', '--llm-port', '6000']), { CLAWCHAT_LLM_PORT: '7000', CLAWCHAT_SECURITY_DIR: '/tmp/sec' });
    expect(cfg.ip).toBe('0.0.0.0');
    expect(cfg.port).toBe(50001);
    expect(cfg.llmPort).toBe(6000);
    expect(cfg.securityDir).toBe('/tmp/sec');
    expect(cfg.llmTimeoutMs).toBe(60_000);
  });

  test('empty variables (a copied .env.example) count as unset', () => {
    const cfg = resolveConfig(parseArgs(['--ip', '127.0.0.1']), { CLAWCHAT_RELAY_PORT: '', CLAWCHAT_LLM_PORT: '', CLAWCHAT_PUBLIC_HOST: '' });
    expect(cfg.port).toBeUndefined();
    expect(cfg.llmPort).toBe(55556);
    expect(cfg.publicHosts).toEqual([]);
  });

  test('subcommands parse with their arguments', () => {
    expect(parseArgs(['revoke', 'laptop']).command).toBe('revoke');
    expect(parseArgs(['revoke', 'laptop']).positional).toEqual(['laptop']);
    expect(parseArgs(['revoke', '--all']).flags.has('all')).toBe(true);
    expect(parseArgs(['status', '--json']).command).toBe('status');
  });

  test.each([
    [['--port', '70000', '--ip', '0.0.0.0'], /--port must be a whole number/],
    [['--ip', 'localhost'], /--ip must be an IP address/],
    [[], /--ip is required/],
    [['--bogus'], /unknown option --bogus/],
    [['frobnicate'], /unknown command/],
    [['--ip'], /--ip needs a value/],
  ])('%j is a one-line error', (argv, message) => {
    expect(() => resolveConfig(parseArgs(argv as string[]), {})).toThrow(message);
    try {
      resolveConfig(parseArgs(argv as string[]), {});
    } catch (err) {
      expect(err).toBeInstanceOf(ConfigError);
      expect((err as Error).message).not.toContain('\n');
    }
  });
});
