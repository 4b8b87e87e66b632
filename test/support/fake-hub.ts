/**
 * A loopback stand-in for the parts of the Hugging Face Hub the collector uses, written from the
 * public API documentation:
 * - `GET /api/models?sort=createdAt&direction=-1&limit=N&expand=...` returns a JSON array and, when
 *   more remain, a `Link: <...cursor=...>; rel="next"` header (cursor pagination);
 * - `GET /{id}/resolve/main/README.md` returns the raw card, 404 with `X-Error-Code: EntryNotFound`
 *   when the repo has no README, 401/403 with `X-Error-Code: GatedRepo` for gated repositories.
 * Faults (status codes, Retry-After, resets, truncated bodies, slow answers) are queued per request
 * key and consumed one per request, so tests say exactly which attempt fails and how.
 * Used by tests and benchmarks only; the crawler never imports it.
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import type { AddressInfo, Socket } from "node:net";
import { compareText } from "../../src/util/text";

export interface FakeModel {
  id: string;
  createdAt: string;
  lastModified: string;
  tags: string[];
  pipeline_tag?: string;
  library_name?: string;
  downloads: number;
  likes: number;
  cardData?: Record<string, unknown>;
  /** README text; null: no README (404); 401/403: gated. */
  readme: string | null | 401 | 403;
}

export type Fault =
  { status: number; headers?: Record<string, string>; body?: string } | { reset: true } | { truncate: true } | { badJson: true } | { delayMs: number };

export interface RequestLogEntry {
  key: string;
  url: string;
  authorization: string | null;
  at: number;
}

export interface FakeHub {
  url: string;
  requests: RequestLogEntry[];
  /** Queue faults for a key: `list:<page index>` or `readme:<model id>`. */
  fail(key: string, ...faults: Fault[]): void;
  close(): Promise<void>;
}

export interface FakeHubOptions {
  /** Largest page the server returns whatever `limit` asks (the real Hub caps it too). */
  pageSize?: number;
  /** Delay added to every response (benchmarks). */
  latencyMs?: number;
}

export async function startFakeHub(models: readonly FakeModel[], options: FakeHubOptions = {}): Promise<FakeHub> {
  const pageSize = options.pageSize ?? 500;
  const byId = new Map(models.map((model) => [model.id, model]));
  const sortedBy = new Map<string, FakeModel[]>();
  const faults = new Map<string, Fault[]>();
  const requests: RequestLogEntry[] = [];
  const sockets = new Set<Socket>();
  let base = "";

  const server: Server = createServer((req, res) => {
    void handle(req, res).catch((error) => {
      res.statusCode = 500;
      res.end(String(error));
    });
  });
  server.on("connection", (socket) => {
    sockets.add(socket);
    socket.on("close", () => sockets.delete(socket));
  });

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = new URL(req.url ?? "/", base);
    if (options.latencyMs) await sleep(options.latencyMs);
    if (url.pathname === "/api/models") return listing(url, req, res);
    const readme = /^\/(.+)\/resolve\/main\/README\.md$/.exec(url.pathname);
    if (readme) return card(decodeURIComponent(readme[1]!), url, req, res);
    res.writeHead(404, { "content-type": "application/json" }).end(JSON.stringify({ error: "Not Found" }));
  }

  async function listing(url: URL, req: IncomingMessage, res: ServerResponse): Promise<void> {
    const order = `${url.searchParams.get("sort")}:${url.searchParams.get("direction")}`;
    if (!sortedBy.has(order)) sortedBy.set(order, sortModels(models, url.searchParams.get("sort"), url.searchParams.get("direction")));
    const sorted = sortedBy.get(order)!;
    const offset = url.searchParams.has("cursor") ? decodeCursor(url.searchParams.get("cursor")!) : 0;
    const limit = Math.min(Number(url.searchParams.get("limit") ?? pageSize), pageSize);
    const key = `list:${Math.floor(offset / limit)}`;
    log(key, url, req);
    if (await applyFault(key, res)) return;
    const expand = new Set(url.searchParams.getAll("expand"));
    const page = sorted.slice(offset, offset + limit).map((model) => apiJson(model, expand));
    const headers: Record<string, string> = { "content-type": "application/json; charset=utf-8" };
    if (offset + limit < sorted.length) {
      const next = new URL(url);
      next.searchParams.set("cursor", encodeCursor(offset + limit));
      headers.link = `<${next.href}>; rel="next"`;
    }
    send(res, 200, headers, JSON.stringify(page));
  }

  async function card(id: string, url: URL, req: IncomingMessage, res: ServerResponse): Promise<void> {
    const key = `readme:${id}`;
    log(key, url, req);
    if (await applyFault(key, res)) return;
    const model = byId.get(id);
    if (!model) return send(res, 401, { "x-error-code": "RepoNotFound", "content-type": "text/plain" }, "Repository not found");
    if (model.readme === null) return send(res, 404, { "x-error-code": "EntryNotFound", "content-type": "text/plain" }, "Entry not found");
    if (model.readme === 401 || model.readme === 403) {
      return send(res, model.readme, { "x-error-code": "GatedRepo", "content-type": "text/plain" }, "Access to this model is restricted");
    }
    send(res, 200, { "content-type": "text/plain; charset=utf-8" }, model.readme);
  }

  function log(key: string, url: URL, req: IncomingMessage): void {
    const authorization = req.headers.authorization;
    requests.push({ key, url: url.href, authorization: typeof authorization === "string" ? authorization : null, at: Date.now() });
  }

  async function applyFault(key: string, res: ServerResponse): Promise<boolean> {
    const fault = faults.get(key)?.shift();
    if (!fault) return false;
    return performFault(fault, res);
  }

  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return {
    url: base,
    requests,
    fail(key, ...list) {
      faults.set(key, [...(faults.get(key) ?? []), ...list]);
    },
    close: () =>
      new Promise<void>((resolve) => {
        for (const socket of sockets) socket.destroy();
        server.close(() => resolve());
      }),
  };
}

/** Carry out a fault; true when the response is finished (the caller must not answer). */
export async function performFault(fault: Fault, res: ServerResponse): Promise<boolean> {
  if ("delayMs" in fault) {
    await sleep(fault.delayMs);
    return false;
  }
  if ("reset" in fault) {
    res.socket?.destroy();
    return true;
  }
  if ("truncate" in fault) {
    const body = "0123456789".repeat(20);
    res.writeHead(200, { "content-type": "text/plain", "content-length": String(body.length) });
    res.write(body.slice(0, 50));
    // Let the partial body reach the client before the connection dies.
    setTimeout(() => res.socket?.destroy(), 20);
    return true;
  }
  if ("badJson" in fault) {
    send(res, 200, { "content-type": "application/json" }, '[{"id": "cut-off');
    return true;
  }
  send(res, fault.status, { "content-type": "text/plain", ...fault.headers }, fault.body ?? `status ${fault.status}`);
  return true;
}

export function send(res: ServerResponse, status: number, headers: Record<string, string>, body: string): void {
  const bytes = Buffer.from(body, "utf8");
  res.writeHead(status, { ...headers, "content-length": String(bytes.byteLength) });
  res.end(bytes);
}

function apiJson(model: FakeModel, expand: Set<string>): Record<string, unknown> {
  const full: Record<string, unknown> = {
    _id: `0000${hex(model.id)}`.slice(-24),
    id: model.id,
    author: model.id.includes("/") ? model.id.split("/")[0] : undefined,
    private: false,
    gated: model.readme === 401 || model.readme === 403 ? "manual" : false,
    createdAt: model.createdAt,
    lastModified: model.lastModified,
    tags: model.tags,
    pipeline_tag: model.pipeline_tag,
    library_name: model.library_name,
    downloads: model.downloads,
    likes: model.likes,
    cardData: model.cardData,
  };
  // With expand[], the Hub returns `_id`, `id` and exactly the expanded fields.
  const out: Record<string, unknown> = { _id: full._id, id: full.id };
  for (const key of expand) if (full[key] !== undefined) out[key] = full[key];
  return out;
}

function sortModels(models: readonly FakeModel[], sort: string | null, direction: string | null): FakeModel[] {
  const sorted = models.slice();
  if (sort === "createdAt") {
    const sign = direction === "-1" ? -1 : 1;
    sorted.sort((a, b) => sign * (Date.parse(a.createdAt) - Date.parse(b.createdAt)) || compareText(a.id, b.id));
  }
  return sorted;
}

const encodeCursor = (offset: number) => Buffer.from(JSON.stringify({ offset })).toString("base64url");
const decodeCursor = (cursor: string) => (JSON.parse(Buffer.from(cursor, "base64url").toString("utf8")) as { offset: number }).offset;
const hex = (text: string) => Buffer.from(text).toString("hex");
const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/**
 * Deterministic models covering every README case: plain cards, front matter with arXiv links,
 * empty cards, missing READMEs, gated repos (401 and 403), a BOM + CRLF card.
 */
export function makeFakeModels(count: number, arxivIds: readonly string[] = ["2107.03374", "2305.06161", "1706.03762"]): FakeModel[] {
  const models: FakeModel[] = [];
  const start = Date.parse("2024-01-01T00:00:00.000Z");
  for (let i = 0; i < count; i++) {
    const id = i % 11 === 5 ? `legacy-model-${i}` : `org${i % 7}/model-${String(i).padStart(4, "0")}`;
    const created = new Date(start + i * 3_600_000).toISOString();
    const paper = arxivIds[i % arxivIds.length]!;
    const kind = i % 9;
    const readme: FakeModel["readme"] =
      kind === 3
        ? null
        : kind === 4
          ? 401
          : kind === 6
            ? 403
            : kind === 7
              ? "---\nlicense: mit\n---\n"
              : kind === 8
                ? `\uFEFF---\r\nlicense: apache-2.0\r\ntags:\r\n- code\r\n---\r\n# Model ${i}\r\nGenerates code.\r\n`
                : `---\nlicense: mit\npipeline_tag: text-generation\n---\n# Model ${i}\n\nA model for code completion. See https://arxiv.org/abs/${paper}.\n`;
    models.push({
      id,
      createdAt: created,
      lastModified: new Date(Date.parse(created) + 86_400_000).toISOString(),
      tags: i % 4 === 0 ? ["transformers", `arxiv:${paper}`, "license:mit"] : ["transformers"],
      pipeline_tag: i % 3 === 0 ? "text-generation" : undefined,
      library_name: "transformers",
      downloads: (i * 37) % 1000,
      likes: i % 13,
      cardData: kind === 4 || kind === 6 ? { license: "other" } : undefined,
      readme,
    });
  }
  return models;
}
