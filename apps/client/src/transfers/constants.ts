/** Limits and names the client's file transfers depend on, each with the reason for its value. */

/** Bytes per FILE_CHUNK. Same as the server's FILE_DATA piece size (libs/file-protocol
 * DEFAULT_CHUNK_BYTES): well under the transport's message limit, few messages for big files. */
export const UPLOAD_CHUNK_BYTES = 256 * 1024;

/** FILE_CHUNKs in flight at once. One chunk per round trip would cap an upload at 256 KiB per RTT
 * (5 MB/s at 50 ms); four keeps a long link busy while a failure wastes at most 1 MiB. */
export const UPLOAD_WINDOW_CHUNKS = 4;

/** Read size when hashing local files: sha256 throughput stops improving around 1 MiB. */
export const HASH_READ_BYTES = 1024 * 1024;

/** Suffix of a download in progress. A stable name (not random) is what lets a later attempt, even
 * after a restart, resume from the bytes already on disk. */
export const PARTIAL_DOWNLOAD_SUFFIX = '.clawchat-part';

/** How many times one transfer resumes after the session dropped before it gives up: enough for a
 * flaky Wi-Fi, few enough that a dead relay ends with an error instead of hanging forever. */
export const MAX_TRANSFER_RESUMES = 20;

/** Window of the speed average: long enough to smooth per-chunk bursts, short enough that the
 * shown speed follows a real change within a few seconds. */
export const SPEED_WINDOW_MS = 3000;
