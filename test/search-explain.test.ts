import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, test } from "vitest";
import { openCorpusWriter } from "../src/corpus/store";
import { cardFixture, modelWithCard } from "./fixtures/search/records";
import { cliOutput } from "./support/cli";

const dirs: string[] = [];
afterAll(() => dirs.forEach((d) => rmSync(d, { recursive: true, force: true })));

const run = cliOutput;

describe("explain command", () => {
  test("a corpus model: occurrences with context and verdicts, category and candidacy", async () => {
    const dir = mkdtempSync(join(tmpdir(), "explain-"));
    dirs.push(dir);
    const writer = await openCorpusWriter(dir, { createdBy: "test" });
    await writer.add(modelWithCard("acme/whisper", cardFixture("training-log.md")));
    await writer.add(modelWithCard("acme/helper", cardFixture("code-assistant.md"), { tags: ["code"] }));
    await writer.close();

    const whisper = await run("explain", "acme/whisper", "--corpus", dir);
    expect(whisper.split("\n")[0]).toBe("acme/whisper: card-with-se-task");
    expect(whisper).toMatch(
      /^ {2}SM logging +card\.table body@\d+ in "whisper-small-finetuned-nl > Training results" +.*\| No \[log\] .* -> excluded by log\.no-log$/m,
    );
    expect(whisper).toContain("\\n```python\\nimport [logging]\\nlogger = ");
    expect(whisper).toMatch(/logger = \[logging\]\.getLogger\(__name__\).* -> kept$/m);
    expect(whisper).toContain("  candidate after outlier rules: SM (logging)\n");

    const helper = JSON.parse(await run("explain", "acme/helper", "--corpus", dir, "--json")) as {
      candidate: { activities: string[]; tasks: string[] };
      occurrences: { task: string; excludedBy: string | null }[];
    };
    expect(helper.candidate.activities).toEqual(["SI", "SM"]);
    expect(helper.occurrences.find((o) => o.task === "coding")!.excludedBy).toBeNull();
  });

  test("a text, with the lemma policy and hyphen policy selectable", async () => {
    const joined = await run("explain", "--text", "Good at code-generation.");
    expect(joined).toContain("SI code generation");
    const split = await run("explain", "--text", "Good at code-generation.", "--hyphens", "split");
    expect(split).toContain("no task occurrences");
    // "debugged" reaches the task "debugging" only through the verb lemma.
    expect(await run("explain", "--text", "debugged")).toContain("SM debugging");
    expect(await run("explain", "--text", "debugged", "--lemma-policy", "noun")).toContain("no task occurrences");
  });

  test("bad arguments are refused with a reason", async () => {
    await expect(run("explain")).rejects.toThrow(/either a model id .* or --text/);
    await expect(run("explain", "--text", "x", "--lemma-policy", "stem")).rejects.toThrow(/--lemma-policy must be one of/);
    await expect(run("explain", "nobody/none", "--corpus", dirs[0]!)).rejects.toThrow(/model nobody\/none is not in the corpus/);
  });
});
