// CLI entry for benchmarks: wiring only (arguments, stdin control, signals); behaviour is in LossyProxy.
import * as readline from 'node:readline';
import { CliUsageError, parseCliArgs, parseControlLine, USAGE } from './cli-args';
import { LossyProxy } from './lossy-proxy';

function printJson(stream: NodeJS.WritableStream, value: object): void {
  stream.write(JSON.stringify(value) + '\n');
}

async function main(argv: string[]): Promise<void> {
  let command;
  try {
    command = parseCliArgs(argv);
  } catch (error) {
    if (!(error instanceof CliUsageError)) throw error;
    process.stderr.write(`lossy-proxy: ${error.message} (see --help)\n`);
    process.exitCode = 2;
    return;
  }
  if (command.kind === 'help') {
    process.stdout.write(USAGE + '\n');
    return;
  }

  const proxy = await LossyProxy.start(command.options);
  const { host, port } = proxy.address;
  printJson(process.stdout, { event: 'listening', host, port, target: command.options.target, upstreamPort: proxy.upstreamPort });

  const rebind = async (): Promise<void> => {
    await proxy.rebind();
    printJson(process.stdout, { event: 'rebound', upstreamPort: proxy.upstreamPort });
  };

  const control = readline.createInterface({ input: process.stdin });
  control.on('line', (line) => {
    try {
      const parsed = parseControlLine(line);
      if (parsed?.kind === 'rebind') void rebind();
      else if (parsed?.kind === 'loss') proxy.setLoss(parsed.up, parsed.down);
      else if (parsed?.kind === 'stats') printJson(process.stdout, { event: 'stats', ...proxy.stats });
    } catch (error) {
      process.stderr.write(`lossy-proxy: ${(error as Error).message}\n`);
    }
  });

  const stop = async (): Promise<void> => {
    control.close();
    printJson(process.stderr, { event: 'stats', ...proxy.stats });
    await proxy.close();
  };
  process.on('SIGUSR1', () => void rebind());
  process.once('SIGINT', () => void stop());
  process.once('SIGTERM', () => void stop());
}

main(process.argv.slice(2)).catch((error: unknown) => {
  process.stderr.write(`lossy-proxy: ${(error as Error).message}\n`);
  process.exitCode = 1;
});
