/**
 * HELLO → WELCOME: the catalogue versions we speak, who answers (provider, model, offline) and a
 * summary of the shared conversation. A client speaking another catalogue version is told which
 * side to upgrade.
 */
import { CATALOGUE_VERSION, ProtocolError, type HelloMessage, type WelcomeMessage } from '@clawchat/protocol';
import type { HelloHandler } from './link/router';

export const SUPPORTED_VERSIONS: readonly number[] = [CATALOGUE_VERSION];

export interface HelloDeps {
  provider: string;
  model: string;
  offline: boolean;
  session: () => { turns: number; startedAt: number };
}

export function createHelloHandler(d: HelloDeps): HelloHandler {
  return {
    welcome(m: HelloMessage): Omit<WelcomeMessage, 'type' | 're'> {
      if (!SUPPORTED_VERSIONS.includes(m.version)) {
        const ours = SUPPORTED_VERSIONS.join(', ');
        const upgrade = m.version > Math.max(...SUPPORTED_VERSIONS) ? 'upgrade the LLM server (clawchat-llm)' : 'upgrade the client (clawchat)';
        throw new ProtocolError('BAD_REQUEST', `This client speaks message catalogue version ${m.version} but the LLM server speaks ${ours}; ${upgrade}.`);
      }
      return { versions: [...SUPPORTED_VERSIONS], provider: d.provider, model: d.model, offline: d.offline, session: d.session() };
    },
  };
}
