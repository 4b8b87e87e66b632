import { mkdtempSync, readFileSync, writeFileSync, existsSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, basename } from "node:path";
import { test } from "vitest";
import { formatPairScores } from "../src/evaluate/pairs";
import { ACTIVITY_CODES } from "../src/taxonomy/taxonomy";
import { evaluateOnDump } from "./support/judge-eval";

test("dev cards (scratch)", async () => {
  const fixtures: any[] = [];
  for (const l of ["a", "b", "c"]) {
    const dir = process.env.LOCAL ? join(__dirname, "fixtures/real-cards") : `/work/wt/fixtures-${l}/test/fixtures/real-cards`;
    const f = join(dir, `index-${l}.jsonl`);
    if (!existsSync(f)) continue;
    for (const line of readFileSync(f, "utf8").split("\n")) {
      if (!line.trim()) continue;
      let e: any;
      try {
        e = JSON.parse(line);
      } catch {
        continue;
      }
      const file = basename(e.file);
      const n = Number(/^[a-z]-(\d{3})-/.exec(file)?.[1]);
      if (!(n % 3 !== 0) || e.split !== "dev") continue;
      const path = join(dir, "cards", file);
      if (!existsSync(path)) continue;
      fixtures.push({ ...e, readme: readFileSync(path, "utf8") });
    }
  }
  const work = mkdtempSync(join(tmpdir(), "devjudge-"));
  const dump = join(work, "dump.jsonl");
  writeFileSync(
    dump,
    fixtures
      .map(
        (f) =>
          JSON.stringify({
            id: f.id,
            modelId: f.id,
            author: f.author,
            createdAt: f.createdAt,
            lastModified: f.lastModified,
            private: false,
            gated: f.gated,
            downloads: f.downloads,
            likes: f.likes,
            pipeline_tag: f.pipeline_tag,
            library_name: f.library_name,
            tags: f.tags,
            siblings: [{ rfilename: "README.md" }],
            readme: f.readme,
          }) + "\n",
      )
      .join(""),
  );
  const labels = fixtures.flatMap((f) => ACTIVITY_CODES.map((a) => ({ id: f.id, activity: a, relevant: f.se.includes(a) })));
  const r = await evaluateOnDump(dump, labels, work);
  console.log(formatPairScores(r.scores, `dev: ${fixtures.length} cards`));
  const byId = new Map(fixtures.map((f) => [f.id, f]));
  for (const d of r.decisions) {
    const wrong = process.env.ALL ? d.decision !== "not-candidate" : (d.decision === "relevant") !== d.relevant || d.decision === "uncertain";
    if (!wrong) continue;
    if (d.decision === "not-candidate" && !process.env.SHOWNC) continue;
    console.log(`${d.relevant ? "GOLD+" : "gold-"} ${d.decision.padEnd(13)} ${byId.get(d.id).file} ${d.activity} :: ${d.verdict?.rationale ?? ""}`);
  }
}, 600_000);
