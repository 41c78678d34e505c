/**
 * Every limit and name the file sandbox depends on, each with the reason for its value.
 */

/** Hidden folder at the sandbox root holding unfinished uploads. It lives inside the sandbox so the
 * final rename never crosses a filesystem (rename is only atomic within one). Path rules refuse to
 * address it and list() hides it, so a client can neither read nor plant a partial upload. */
export const UPLOAD_STAGING_DIR = '.clawchat-uploads';

/** Default size of one FILE_DATA piece. 256 KiB keeps the number of messages for a multi-GB file
 * reasonable while a piece stays well under the transport's message limit and memory stays flat. */
export const DEFAULT_CHUNK_BYTES = 256 * 1024;

/** Buffer used when hashing a prefix/suffix of a download or a finished upload. Bigger than a chunk
 * because nothing is sent; 1 MiB is where sha256 throughput stops improving on typical hardware. */
export const HASH_READ_BYTES = 1024 * 1024;

/** Default upload size limit (10 GiB). Configurable; it bounds how much disk one client can fill. */
export const DEFAULT_MAX_UPLOAD_BYTES = 10 * 1024 * 1024 * 1024;

/** Most filesystems (ext4, xfs, btrfs, APFS, NTFS) cap one name at 255 bytes. */
export const MAX_SEGMENT_BYTES = 255;

/** Linux PATH_MAX; a longer path cannot be opened in one call anyway. */
export const MAX_PATH_BYTES = 4096;

/** Length of an upload id in hex characters (128 bits of sha256): collisions between different
 * (path, size, sha256) triples are out of reach, and the id is safe to use as a file name. */
export const UPLOAD_ID_HEX_CHARS = 32;

/** Space kept free when checking that an upload fits on disk, so an upload never fills the disk
 * to the last byte (the server still needs room for its session files and logs). */
export const DISK_SPACE_RESERVE_BYTES = 16 * 1024 * 1024;

/** Mode of the staging folder: only the server's user may see unfinished uploads. */
export const STAGING_DIR_MODE = 0o700;

/** Mode of new uploaded files (before umask), the usual mode of a user's own file. */
export const UPLOADED_FILE_MODE = 0o644;

/** Windows device names. A file called like this is harmless on the server but cannot be saved by a
 * Windows client (and "NUL.txt" there writes to the null device), so such names are refused. */
export const WINDOWS_DEVICE_NAMES: ReadonlySet<string> = new Set([
  'CON', 'PRN', 'AUX', 'NUL',
  'COM1', 'COM2', 'COM3', 'COM4', 'COM5', 'COM6', 'COM7', 'COM8', 'COM9',
  'LPT1', 'LPT2', 'LPT3', 'LPT4', 'LPT5', 'LPT6', 'LPT7', 'LPT8', 'LPT9',
]);
