/**
 * A loopback stand-in for the two Hub endpoints a dataset download uses, in the shapes @huggingface/hub
 * requests and the Hub documents:
 * - `GET /api/datasets/{name}/tree/{revision}/{path}?recursive=...&expand=...`: a JSON array of entries
 *   (`type`, `oid`, `size`, `path`, and `lfs: {oid, size, pointerSize}` for LFS files), paged with a
 *   `Link: <...?cursor=N>; rel="next"` header;
 * - `GET /datasets/{name}/resolve/{revision}/{path}`: the file's bytes, honouring `Range: bytes=a-b`
 *   (206 with `Content-Range`), with an `ETag` (and `X-Linked-Size`, `X-Linked-Etag` for LFS files) as
 *   `downloadFile`'s probe expects; 404 with `X-Error-Code: EntryNotFound` for a missing file.
 * Faults are queued per key (`tree:<page>` or `resolve:<path>`) and consumed one per request, so a test
 * says exactly which request gets a 429 with Retry-After, a 5xx, or a body cut short.
 */
import { createHash } from "node:crypto";
import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import type { AddressInfo, Socket } from "node:net";

export interface FakeDatasetFile {
  path: string;
  bytes: Uint8Array;
  /** Stored with LFS (default true for .parquet): the listing then carries lfs.oid = sha256. */
  lfs?: boolean;
  /** Serve these bytes instead of `bytes` (a corrupted upload: the listing's hash no longer matches). */
  served?: Uint8Array;
}

/** `pass` lets one request through untouched (to fault a later one). */
export type DatasetFault = { status: number; headers?: Record<string, string>; body?: string } | { truncate: true } | { pass: true };

export interface DatasetRequest {
  key: string;
  url: string;
  range: string | null;
  accept: string | null;
}

export interface FakeDatasetHub {
  url: string;
  requests: DatasetRequest[];
  fail(key: string, ...faults: DatasetFault[]): void;
  /** Replace the repository's files (a new daily dump). */
  setFiles(files: readonly FakeDatasetFile[]): void;
  close(): Promise<void>;
}

export interface FakeDatasetHubOptions {
  dataset: string;
  /** Entries per listing page (default 2, so pagination is exercised). */
  pageSize?: number;
}

export function gitBlobId(bytes: Uint8Array): string {
  return createHash("sha1").update(`blob ${bytes.byteLength}\0`).update(bytes).digest("hex");
}

export function sha256(bytes: Uint8Array): string {
  return createHash("sha256").update(bytes).digest("hex");
}

export async function startFakeDatasetHub(files: readonly FakeDatasetFile[], options: FakeDatasetHubOptions): Promise<FakeDatasetHub> {
  const pageSize = options.pageSize ?? 2;
  let current = [...files];
  const faults = new Map<string, DatasetFault[]>();
  const requests: DatasetRequest[] = [];
  const sockets = new Set<Socket>();
  let base = "";

  const entryOf = (file: FakeDatasetFile) => {
    const lfs = file.lfs ?? file.path.endsWith(".parquet");
    const pointer = `version https://git-lfs.github.com/spec/v1\noid sha256:${sha256(file.bytes)}\nsize ${file.bytes.byteLength}\n`;
    return {
      type: "file",
      oid: lfs ? gitBlobId(Buffer.from(pointer)) : gitBlobId(file.bytes),
      size: file.bytes.byteLength,
      path: file.path,
      ...(lfs ? { lfs: { oid: sha256(file.bytes), size: file.bytes.byteLength, pointerSize: pointer.length } } : {}),
    };
  };

  const server: Server = createServer((req: IncomingMessage, res: ServerResponse) => {
    const url = new URL(req.url ?? "/", base);
    const prefixTree = `/api/datasets/${options.dataset}/tree/`;
    const prefixResolve = `/datasets/${options.dataset}/resolve/`;
    let key = "other";
    if (url.pathname.startsWith(prefixTree)) key = `tree:${url.searchParams.get("cursor") ?? "0"}`;
    else if (url.pathname.startsWith(prefixResolve))
      key = `resolve:${decodeURIComponent(url.pathname.slice(prefixResolve.length).split("/").slice(1).join("/"))}`;
    requests.push({ key, url: url.href, range: req.headers.range ?? null, accept: (req.headers.accept as string | undefined) ?? null });
    const fault = faults.get(key)?.shift();
    if (fault && "status" in fault) {
      res.writeHead(fault.status, { "content-type": "text/plain", ...fault.headers });
      res.end(fault.body ?? `fault ${fault.status}`);
      return;
    }

    if (url.pathname.startsWith(prefixTree)) {
      // /api/datasets/{name}/tree/{revision}/{path}
      const [revision, ...rest] = url.pathname.slice(prefixTree.length).split("/");
      const folder = decodeURIComponent(rest.join("/"));
      if (revision !== "main") return json(res, 404, { error: `Revision Not Found: ${revision}` }, { "x-error-code": "RevisionNotFound" });
      const recursive = url.searchParams.get("recursive") === "true";
      const inFolder = current.filter((f) => f.path.startsWith(`${folder}/`) && (recursive || !f.path.slice(folder.length + 1).includes("/")));
      const entries = [{ type: "directory", oid: "0".repeat(40), size: 0, path: folder }, ...inFolder.map(entryOf)].filter((e) => e.path !== folder);
      const cursor = Number(url.searchParams.get("cursor") ?? 0);
      const page = entries.slice(cursor, cursor + pageSize);
      const headers: Record<string, string> = {};
      if (cursor + pageSize < entries.length) {
        const next = new URL(url.href);
        next.searchParams.set("cursor", String(cursor + pageSize));
        headers.link = `<${next.href}>; rel="next"`;
      }
      return json(res, 200, page, headers);
    }

    if (url.pathname.startsWith(prefixResolve)) {
      const [revision, ...rest] = url.pathname.slice(prefixResolve.length).split("/");
      const path = decodeURIComponent(rest.join("/"));
      const file = current.find((f) => f.path === path);
      if (revision !== "main" || !file) {
        res.writeHead(404, { "content-type": "text/plain", "x-error-code": "EntryNotFound" });
        res.end("Entry not found");
        return;
      }
      const bytes = file.served ?? file.bytes;
      const etag = `"${sha256(file.bytes)}"`;
      const common: Record<string, string> = { etag, "accept-ranges": "bytes", "content-type": "application/octet-stream" };
      if (file.lfs ?? path.endsWith(".parquet")) {
        common["x-linked-etag"] = etag;
        common["x-linked-size"] = String(file.bytes.byteLength);
      }
      const range = /^bytes=(\d+)-(\d*)$/.exec(req.headers.range ?? "");
      let start = 0;
      let end = bytes.byteLength - 1;
      let status = 200;
      if (range) {
        start = Number(range[1]);
        end = range[2] === "" ? end : Math.min(Number(range[2]), end);
        if (start > end) {
          res.writeHead(416, { "content-range": `bytes */${bytes.byteLength}` });
          res.end();
          return;
        }
        status = 206;
        common["content-range"] = `bytes ${start}-${end}/${bytes.byteLength}`;
      }
      const body = bytes.subarray(start, end + 1);
      if (fault && "truncate" in fault) {
        // Promise the whole range, send half, and cut the connection.
        res.writeHead(status, { ...common, "content-length": String(body.byteLength) });
        res.write(body.subarray(0, Math.floor(body.byteLength / 2)));
        res.socket?.destroy();
        return;
      }
      res.writeHead(status, { ...common, "content-length": String(body.byteLength) });
      res.end(body);
      return;
    }
    json(res, 404, { error: "not found" });
  });
  server.on("connection", (socket) => {
    sockets.add(socket);
    socket.on("close", () => sockets.delete(socket));
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return {
    url: base,
    requests,
    fail(key, ...list) {
      faults.set(key, [...(faults.get(key) ?? []), ...list]);
    },
    setFiles(next) {
      current = [...next];
    },
    close: () =>
      new Promise<void>((resolve) => {
        for (const socket of sockets) socket.destroy();
        server.close(() => resolve());
      }),
  };
}

function json(res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}): void {
  const text = JSON.stringify(body);
  res.writeHead(status, { "content-type": "application/json; charset=utf-8", "content-length": String(Buffer.byteLength(text)), ...headers });
  res.end(text);
}
