/**
 * Reading a Hub dump as lines, refusing what cannot be read rather than loading garbage:
 *
 * - Compression is told by the file's first bytes, not its name: gzip is decompressed whatever the
 *   suffix, a plain file named `.gz` is read as plain text, and zstd / bzip2 / xz / zip / Parquet
 *   are refused with what to do instead.
 * - The text must be UTF-8 JSON Lines: an empty input, UTF-16/UTF-32 (with or without a BOM) and
 *   binary data (NUL bytes) are refused. A cut-off or corrupt gzip stream is refused too: a partial
 *   dump would replace a corpus with part of one.
 * - Lines end at `\n` only (a stray `\r` inside a line does not shift line numbers); a `\r` before the
 *   `\n` and a UTF-8 BOM at the start are dropped.
 * - Each line is checked for valid UTF-8 on its own; an invalid line is decoded with U+FFFD in place
 *   of the bad bytes and says where the first one was, so the caller can record it.
 *
 * Every refusal is a {@link DumpInputError} naming the file.
 */
import { isUtf8 } from "node:buffer";
import { createReadStream, promises as fs } from "node:fs";
import type { Readable } from "node:stream";
import { createGunzip } from "node:zlib";

export class DumpInputError extends Error {
  constructor(
    readonly path: string,
    reason: string,
  ) {
    super(`cannot read dump ${path}: ${reason}`);
    this.name = "DumpInputError";
  }
}

export interface DumpLine {
  /** 1-based, counting `\n` only. */
  number: number;
  text: string;
  /** Byte offset (in the line) of the first invalid UTF-8 sequence, or null when the line is valid. */
  invalidUtf8At: number | null;
  /** True for the last line when the input does not end with `\n`. */
  unterminated: boolean;
}

export type DumpCompression = "none" | "gzip";

const REFUSED_FORMATS: Array<[magic: number[], what: string]> = [
  [[0x28, 0xb5, 0x2f, 0xfd], "compressed with zstd; decompress it first (zstd -d)"],
  [[0x42, 0x5a, 0x68], "compressed with bzip2; decompress it first (bunzip2)"],
  [[0xfd, 0x37, 0x7a, 0x58, 0x5a, 0x00], "compressed with xz; decompress it first (unxz)"],
  [[0x50, 0x4b, 0x03, 0x04], "a zip archive; extract the JSON Lines file first"],
  [[0x50, 0x41, 0x52, 0x31], "a Parquet file, not JSON Lines"],
];

const startsWith = (bytes: Uint8Array, magic: readonly number[]) => magic.every((b, i) => bytes[i] === b);

/** True for a regular file that is not named `.parquet` and does not start with Parquet's magic bytes (a JSON Lines dump, maybe gzipped). */
export async function isTextDump(path: string): Promise<boolean> {
  if (/\.parquet$/i.test(path)) return false;
  const stat = await fs.stat(path).catch(() => null);
  if (!stat?.isFile()) return false;
  return !startsWith(await readHead(path, 4), [0x50, 0x41, 0x52, 0x31]);
}

/** How the file is compressed, by its magic bytes; throws for empty files and formats ingest does not read. */
export async function detectCompression(path: string): Promise<DumpCompression> {
  const head = await readHead(path, 8);
  if (head.length === 0) throw new DumpInputError(path, "the file is empty");
  if (startsWith(head, [0x1f, 0x8b])) return "gzip";
  for (const [magic, what] of REFUSED_FORMATS) if (startsWith(head, magic)) throw new DumpInputError(path, `the file is ${what}`);
  return "none";
}

async function readHead(path: string, length: number): Promise<Buffer> {
  const handle = await fs.open(path, "r");
  try {
    const buffer = Buffer.alloc(length);
    const { bytesRead } = await handle.read(buffer, 0, length, 0);
    return buffer.subarray(0, bytesRead);
  } finally {
    await handle.close();
  }
}

/** Why the first bytes of the (decompressed) text are not UTF-8 JSON Lines, or null. */
export function textEncodingProblem(head: Uint8Array): string | null {
  if (startsWith(head, [0xff, 0xfe, 0x00, 0x00]) || startsWith(head, [0x00, 0x00, 0xfe, 0xff]))
    return "it is UTF-32 text; convert it to UTF-8 (iconv -f UTF-32 -t UTF-8)";
  if (startsWith(head, [0xff, 0xfe]) || startsWith(head, [0xfe, 0xff])) return "it is UTF-16 text; convert it to UTF-8 (iconv -f UTF-16 -t UTF-8)";
  const sample = head.subarray(0, 4096);
  let nul = 0;
  let nulAtOdd = 0;
  for (let i = 0; i < sample.length; i++) {
    if (sample[i] === 0) {
      nul++;
      if (i % 2 === 1) nulAtOdd++;
    }
  }
  if (nul === 0) return null;
  // ASCII as UTF-16 is every other byte NUL (odd positions little-endian, even ones big-endian).
  if (nul * 3 >= sample.length && (nulAtOdd * 10 >= nul * 9 || nulAtOdd * 10 <= nul)) return "it looks like UTF-16 text without a BOM; convert it to UTF-8";
  return "it holds NUL bytes, so it is not UTF-8 JSON Lines (a binary file?)";
}

/**
 * The dump's lines. Throws {@link DumpInputError} when the input is empty, not UTF-8 text, or its
 * compressed stream is damaged (after the lines before the damage were yielded: callers must treat
 * the whole input as failed).
 */
export async function* readDumpLines(path: string): AsyncGenerator<DumpLine> {
  const compression = await detectCompression(path);
  const file = createReadStream(path);
  const source: Readable = compression === "gzip" ? file.pipe(createGunzip()) : file;
  file.on("error", (error) => source.destroy(error));
  let pending: Buffer[] = [];
  let pendingBytes = 0;
  let number = 0;
  let first = true;
  let sawBytes = false;
  const lineOf = (bytes: Buffer, unterminated: boolean): DumpLine => {
    number++;
    let body = bytes;
    if (number === 1 && startsWith(body, [0xef, 0xbb, 0xbf])) body = body.subarray(3);
    if (!unterminated && body.length > 0 && body[body.length - 1] === 0x0d) body = body.subarray(0, body.length - 1);
    const valid = isUtf8(body);
    return { number, text: body.toString("utf8"), invalidUtf8At: valid ? null : firstInvalidUtf8(body), unterminated };
  };
  try {
    for await (const chunk of source as AsyncIterable<Buffer>) {
      if (chunk.length === 0) continue;
      if (first) {
        first = false;
        const problem = textEncodingProblem(chunk);
        if (problem) throw new DumpInputError(path, `${compression === "gzip" ? "its decompressed text: " : ""}${problem}`);
      }
      sawBytes = true;
      let start = 0;
      for (let nl = chunk.indexOf(0x0a, start); nl >= 0; nl = chunk.indexOf(0x0a, start)) {
        const piece = chunk.subarray(start, nl);
        const bytes = pendingBytes === 0 ? piece : Buffer.concat([...pending, piece], pendingBytes + piece.length);
        pending = [];
        pendingBytes = 0;
        yield lineOf(bytes, false);
        start = nl + 1;
      }
      if (start < chunk.length) {
        pending.push(chunk.subarray(start));
        pendingBytes += chunk.length - start;
      }
    }
  } catch (error) {
    if (error instanceof DumpInputError) throw error;
    const where = number === 0 ? "before its first line" : `after line ${number}`;
    const what = compression === "gzip" ? "the gzip stream is damaged or cut off" : "reading failed";
    throw new DumpInputError(path, `${what} ${where} (${(error as Error).message}); a partial dump is not loaded`);
  } finally {
    file.destroy();
    source.destroy();
  }
  if (!sawBytes) throw new DumpInputError(path, compression === "gzip" ? "the decompressed text is empty" : "the file is empty");
  if (pendingBytes > 0) yield lineOf(Buffer.concat(pending, pendingBytes), true);
}

/** Byte offset of the first invalid UTF-8 sequence in `bytes` (-1 when there is none). */
export function firstInvalidUtf8(bytes: Uint8Array): number {
  for (let i = 0; i < bytes.length;) {
    const b = bytes[i]!;
    if (b < 0x80) {
      i++;
      continue;
    }
    const [length, min, max] =
      b >= 0xc2 && b <= 0xdf
        ? [2, 0x80, 0xbf]
        : b === 0xe0
          ? [3, 0xa0, 0xbf]
          : b === 0xed
            ? [3, 0x80, 0x9f]
            : b >= 0xe1 && b <= 0xef
              ? [3, 0x80, 0xbf]
              : b === 0xf0
                ? [4, 0x90, 0xbf]
                : b === 0xf4
                  ? [4, 0x80, 0x8f]
                  : b >= 0xf1 && b <= 0xf3
                    ? [4, 0x80, 0xbf]
                    : [0, 0, 0];
    if (length === 0 || i + length > bytes.length) return i;
    if (bytes[i + 1]! < min || bytes[i + 1]! > max) return i;
    for (let k = 2; k < length; k++) if (bytes[i + k]! < 0x80 || bytes[i + k]! > 0xbf) return i;
    i += length;
  }
  return -1;
}
