/** How a failed request is shown in the chat. */
import { errorCode, errorMessage } from '../../connection/types';

export function formatError(err: unknown): string {
  if (errorCode(err) === 'LLM_UNREACHABLE') return '[Error: Cannot reach LLM server]';
  return `[Error: ${errorMessage(err)}]`;
}
