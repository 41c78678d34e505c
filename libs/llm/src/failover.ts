import { ProtocolError } from '@clawchat/protocol';
import type { Provider, StreamEvent, StreamRequest } from './types';

/** One provider gave up before answering and the chain moves on (for a log line). */
export interface FailoverNotice {
  from: string;
  model: string;
  to: string;
  error: ProtocolError;
}

export interface FailoverChainOptions {
  onFailover?: (notice: FailoverNotice) => void;
}

/**
 * Providers in order of preference. A provider that fails before its first delta hands over to the
 * next one; once a delta has been streamed the answer belongs to that provider and a later failure is
 * reported, not failed over (the person would otherwise see two different answers glued together).
 * CANCELLED is never failed over. The done event names the provider and model that actually answered.
 */
export class FailoverChain implements Provider {
  readonly providers: readonly Provider[];

  constructor(
    providers: readonly Provider[],
    private readonly options: FailoverChainOptions = {},
  ) {
    if (providers.length === 0) throw new Error('FailoverChain needs at least one provider');
    this.providers = [...providers];
  }

  /** The chain as CLAWCHAT_LLM_PROVIDER would spell it, e.g. "deepseek,offline". */
  get name(): string {
    return this.providers.map((p) => p.name).join(',');
  }

  /** The first choice's model; the done event names the one that really answered. */
  get model(): string {
    return this.providers[0].model;
  }

  async *stream(request: StreamRequest): AsyncGenerator<StreamEvent> {
    const failures: ProtocolError[] = [];
    for (let index = 0; index < this.providers.length; index++) {
      const provider = this.providers[index];
      let committed = false;
      try {
        for await (const event of provider.stream(request)) {
          if (event.kind === 'delta') committed = true;
          yield event;
        }
        return;
      } catch (err) {
        const error = err instanceof ProtocolError ? err : new ProtocolError('PROVIDER_ERROR', `${provider.name}: ${String(err)}`);
        if (committed || error.code === 'CANCELLED' || request.signal.aborted) throw error;
        failures.push(error);
        const next = this.providers[index + 1];
        if (next) this.options.onFailover?.({ from: provider.name, model: provider.model, to: next.name, error });
      }
    }
    const last = failures[failures.length - 1];
    if (failures.length === 1) throw last;
    throw new ProtocolError(last.code, `all providers failed: ${failures.map((f) => f.message).join('; ')}`);
  }
}
