/** The text of `clawchat --help`. */
import { CLIENT_VERSION } from '../connection/constants';

export const USAGE = `clawchat ${CLIENT_VERSION} — your AI assistant over an encrypted UDP relay

Usage:
  clawchat [file.sec]                 open the terminal UI (no file: reconnect with the stored
                                      credential, or pick a .sec from CLAWCHAT_SECURITY_DIR, the
                                      current folder or ~/Downloads)
  clawchat send [text]                send one message and stream the reply (stdin when no text)
  clawchat files ls [path]            list a folder of the remote sandbox
  clawchat files get <remote> [local] download a file
  clawchat files put <local> [remote] upload a file
  clawchat files rm [-r] <path>       delete a file (or a folder with -r)
  clawchat files mkdir <path>         create a folder
  clawchat files mv <from> <to>       move or rename
  clawchat cron ls                    list jobs from CRON.md
  clawchat cron run|enable|disable <job>
  clawchat cron log <job> [--limit N] recent runs with their output
  clawchat cron reload                re-read CRON.md
  clawchat status                     relay and LLM server status

Options:
  --sec FILE         connect with this .sec (otherwise the stored resumption credential)
  --relay HOST:PORT  dial this relay address instead of the one in the .sec / credential
  --json             machine-readable output (one JSON object per line for streams)
  -f, --overwrite    replace an existing file (files get/put/mv)
  -h, --help         this help
  -V, --version      print the version

Environment:
  CLAWCHAT_BOOTSTRAP_KEY   key that decrypts .sec files (asked for when unset and on a terminal)
  CLAWCHAT_SECURITY_DIR    where the picker looks for .sec files first
  CLAWCHAT_DOWNLOAD_DIR    folder the Files tab offers for downloads (default: the current one)
  XDG_STATE_HOME           credentials and the .sec history go to $XDG_STATE_HOME/clawchat
                           (default ~/.local/state/clawchat)
  CLAWCHAT_DEBUG=1         debug log and stack traces on stderr

Exit codes: 0 ok, 1 remote error, 2 usage, 3 cannot connect / credential problem.
`;
