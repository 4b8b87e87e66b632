/**
 * A loopback stand-in for the arXiv query API (`GET /api/query?id_list=...&max_results=N`),
 * answering with Atom 1.0 feeds shaped like arXiv's (entry ids `http://arxiv.org/abs/<id>v<n>`,
 * hard-wrapped titles and summaries, an `Error` entry for a malformed id). It records when each
 * request arrived and the most connections it saw at once, so tests can check the politeness rules.
 * Used by tests and benchmarks only; the crawler never imports it.
 */
import { createServer, type Server } from "node:http";
import type { AddressInfo, Socket } from "node:net";
import { performFault, send, type Fault } from "./fake-hub";

export interface FakePaper {
  id: string;
  version: number;
  title: string;
  abstract: string;
}

export interface FakeArxiv {
  url: string;
  /** Arrival time and id_list of each request. */
  requests: Array<{ at: number; ids: string[] }>;
  maxConcurrent: number;
  /** Queue faults for the next requests, in order. */
  fail(...faults: Fault[]): void;
  close(): Promise<void>;
}

const VALID_ID = /^(?:\d{4}\.\d{4,5}|[a-z-]+(?:\.[A-Z]{2})?\/\d{7})(?:v\d+)?$/;

export async function startFakeArxiv(papers: readonly FakePaper[]): Promise<FakeArxiv> {
  const byId = new Map(papers.map((paper) => [paper.id, paper]));
  const faults: Fault[] = [];
  const requests: FakeArxiv["requests"] = [];
  const sockets = new Set<Socket>();
  let active = 0;
  let maxConcurrent = 0;

  const server: Server = createServer((req, res) => {
    active++;
    maxConcurrent = Math.max(maxConcurrent, active);
    res.on("close", () => active--);
    void (async () => {
      const url = new URL(req.url ?? "/", "http://127.0.0.1");
      const ids = (url.searchParams.get("id_list") ?? "").split(",").filter(Boolean);
      requests.push({ at: Date.now(), ids });
      const fault = faults.shift();
      if (fault && (await performFault(fault, res))) return;
      if (url.pathname !== "/api/query") return send(res, 404, { "content-type": "text/plain" }, "not found");
      const bad = ids.find((id) => !VALID_ID.test(id));
      if (bad) return send(res, 200, { "content-type": "application/atom+xml" }, errorFeed(bad));
      const entries = ids.map((id) => byId.get(id.replace(/v\d+$/, ""))).filter((p): p is FakePaper => p !== undefined);
      send(res, 200, { "content-type": "application/atom+xml; charset=utf-8" }, feed(entries));
    })();
  });
  server.on("connection", (socket) => {
    sockets.add(socket);
    socket.on("close", () => sockets.delete(socket));
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    requests,
    get maxConcurrent() {
      return maxConcurrent;
    },
    fail: (...list) => void faults.push(...list),
    close: () =>
      new Promise<void>((resolve) => {
        for (const socket of sockets) socket.destroy();
        server.close(() => resolve());
      }),
  };
}

const escape = (text: string) => text.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;");

/** Wrap long text the way arXiv's feed does (newline + indentation mid-sentence). */
const wrap = (text: string) => text.replace(/(.{1,60})(\s|$)/g, "$1\n  ").trimEnd();

function feed(entries: FakePaper[]): string {
  const body = entries
    .map(
      (paper) => `  <entry>
    <id>http://arxiv.org/abs/${paper.id}v${paper.version}</id>
    <updated>2023-05-09T17:55:08Z</updated>
    <published>2023-05-09T17:55:08Z</published>
    <title>${escape(wrap(paper.title))}</title>
    <summary>  ${escape(wrap(paper.abstract))}
</summary>
    <author><name>A. Author</name></author>
    <link href="http://arxiv.org/abs/${paper.id}v${paper.version}" rel="alternate" type="text/html"/>
    <arxiv:primary_category xmlns:arxiv="http://arxiv.org/schemas/atom" term="cs.SE" scheme="http://arxiv.org/schemas/atom"/>
  </entry>`,
    )
    .join("\n");
  return `<?xml version="1.0" encoding="UTF-8"?>
<feed xmlns="http://www.w3.org/2005/Atom">
  <link href="http://arxiv.org/api/query" rel="self" type="application/atom+xml"/>
  <title type="html">ArXiv Query: id_list</title>
  <id>http://arxiv.org/api/fake</id>
  <updated>2025-03-24T00:00:00-04:00</updated>
  <opensearch:totalResults xmlns:opensearch="http://a9.com/-/spec/opensearch/1.1/">${entries.length}</opensearch:totalResults>
  <opensearch:startIndex xmlns:opensearch="http://a9.com/-/spec/opensearch/1.1/">0</opensearch:startIndex>
${body}
</feed>
`;
}

function errorFeed(badId: string): string {
  return `<?xml version="1.0" encoding="UTF-8"?>
<feed xmlns="http://www.w3.org/2005/Atom">
  <title type="html">ArXiv Query: id_list</title>
  <id>http://arxiv.org/api/fake</id>
  <opensearch:totalResults xmlns:opensearch="http://a9.com/-/spec/opensearch/1.1/">1</opensearch:totalResults>
  <entry>
    <id>http://arxiv.org/api/errors#incorrect_id_format_for_${badId}</id>
    <title>Error</title>
    <summary>incorrect id format for ${badId}</summary>
    <updated>2025-03-24T00:00:00-04:00</updated>
    <link href="http://arxiv.org/api/errors#incorrect_id_format_for_${badId}" rel="alternate" type="text/html"/>
    <author><name>arXiv api core</name></author>
  </entry>
</feed>
`;
}

/** Papers for the ids `makeFakeModels` links by default. */
export const FAKE_PAPERS: FakePaper[] = [
  {
    id: "2107.03374",
    version: 2,
    title: "Evaluating Large Language Models Trained on Code",
    abstract: "We introduce a code model fine-tuned on public code & study its Python code-writing capabilities on a new benchmark <of hand-written problems>.",
  },
  {
    id: "2305.06161",
    version: 1,
    title: "StarCoder: may the source be with you!",
    abstract: "A family of code language models trained on permissively licensed source code from many programming languages.",
  },
  {
    id: "1706.03762",
    version: 7,
    title: "Attention Is All You Need",
    abstract: "A network architecture based solely on attention mechanisms, dispensing with recurrence and convolutions entirely.",
  },
];
