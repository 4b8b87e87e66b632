import { describe, expect, test } from "vitest";
import { createPreparer } from "../src/prepare/preparer";
import { compileTaxonomy } from "../src/search/phrases";
import { searchRecord } from "../src/search/match";
import { OCCURRENCES, type TaskMatch } from "../src/run/tables";
import { loadTaxonomy } from "../src/taxonomy/taxonomy";
import { rowsToTable, tableToRows } from "../src/util/arrow-table";
import {
  applyOutlierRules,
  codingRequiresCodeTag,
  debugAfterPunct,
  debugBeforePunct,
  debugFollowedByQuote,
  debugPrecededByQuote,
  firstExcludingRule,
  hasCodeTag,
  logAfterPunct,
  logBeforePunct,
  logFollowedByLetter,
  logImportLogging,
  logNoLog,
  logPeriodLetter,
  logTestingLog,
  logTestLog,
  logTrainingLog,
  logTrainLog,
  modelsAfterOutliers,
  OUTLIER_RULES,
  outlierShare,
  type RuleContext,
} from "../src/filter/outliers";
import { cardFixture, modelWithCard } from "./fixtures/search/records";

/** A rule context from "before[raw]after" notation. */
function at(marked: string, hasCodeTag = false): RuleContext {
  const match = /^(.*)\[(.+)\](.*)$/s.exec(marked);
  if (!match) throw new Error(`bad marked text ${marked}`);
  return { before: match[1]!, raw: match[2]!, after: match[3]!, hasCodeTag };
}

describe("Table III rules, one by one", () => {
  const cases: [string, (c: RuleContext) => boolean, string[], string[]][] = [
    [
      "debug.after-punct",
      debugAfterPunct,
      ["args.[debug]", "pre-[debug] x", "x_[debug]", "src/[debug]", "<[debug]>", "a>[debug]"],
      ["use [debug] mode", "([debug])", "[Debugging] tips"],
    ],
    [
      "debug.before-punct",
      debugBeforePunct,
      ["[debug]-mode", "[debug]_level", "[debug]/x", "[debug]: None", "[debug]<", "[debug]> x"],
      ["[debug] it", "[Debugging]: tips", "[debug].", "[debug])"],
    ],
    ["debug.followed-by-quote", debugFollowedByQuote, ["'[debug]': None", '"[debug]"', "[debug]’s"], ["[debug] x", "[debugging]'"]],
    ["debug.preceded-by-quote", debugPrecededByQuote, ["'[debug] x", '"[debug]ging', "“[debug] it"], ["a [debug]", "'a [debug]"]],
    ["log.followed-by-letter", logFollowedByLetter, ["[logs] are", "the [log]in page", "[Logs]"], ["[logging] x", "[logged]", "[log] file", "[log]2"]],
    ["log.period-letter", logPeriodLetter, ["x.[logging]", ".[logs]", "a.[log]ic"], ["train.[log] ", "x.[log]", "x [logging]"]],
    ["log.after-punct", logAfterPunct, ["train.[log]", "x-[log]", "run_[log]", "/var/[log]", "([log]", ")[log]"], ["a [log]", ":[log]"]],
    [
      "log.before-punct",
      logBeforePunct,
      ["[log]-file", "[log]_dir", "[log]/x", "[log]: y", "[log](x)", "[log])"],
      ["[log] file", "[log].", "[logging]_steps", "[Logs]:"],
    ],
    ["log.import-logging", logImportLogging, ["import [logging]", "  Import  [logging]\n"], ["import [log]", "reimport [logging]", "import x, [logging]"]],
    ["log.no-log", logNoLog, ["| No [log]", "no [logging]"], ["piano [log]", "no. [log]", "nolog [log]"]],
    ["log.training-log", logTrainingLog, ["## Training [log]"], ["pretraining [log]", "training: [log]"]],
    ["log.train-log", logTrainLog, ["the train [log]"], ["retrain [log]", "train.[log]"]],
    ["log.testing-log", logTestingLog, ["Testing [log]"], ["testing-[log]"]],
    ["log.test-log", logTestLog, ["a test [log]"], ["latest [log]", "contest [log]"]],
  ];

  test("the table lists every rule in order, once", () => {
    expect(OUTLIER_RULES.map((r) => r.name)).toEqual([...cases.map((c) => c[0]), "coding.requires-code-tag"]);
  });

  for (const [name, rule, positives, negatives] of cases) {
    test(`${name}: excludes ${positives.join(" | ")}`, () => {
      for (const p of positives) expect(rule(at(p)), p).toBe(true);
    });
    test(`${name}: keeps ${negatives.join(" | ")}`, () => {
      for (const n of negatives) expect(rule(at(n)), n).toBe(false);
    });
  }

  test("coding.requires-code-tag", () => {
    expect(codingRequiresCodeTag(at("legacy [coding] patterns", false))).toBe(true);
    expect(codingRequiresCodeTag(at("legacy [coding] patterns", true))).toBe(false);
  });

  test("the first rule in table order is the one recorded", () => {
    expect(firstExcludingRule("debug", at("{'[debug]': None}"))).toBe("debug.followed-by-quote");
    expect(firstExcludingRule("log", at("transformers.[logging]"))).toBe("log.period-letter");
    expect(firstExcludingRule("log", at("see [log]s"))).toBe("log.followed-by-letter");
    expect(firstExcludingRule("log", at("a useful [log] of changes"))).toBeNull();
  });

  test("the code tag is found in Hub tags or card-metadata tags, exactly", () => {
    expect(hasCodeTag(modelWithCard("a/hub", "x", null, { tags: ["code"] }))).toBe(true);
    expect(hasCodeTag(modelWithCard("a/meta", "x", { tags: [" Code "] }))).toBe(true);
    expect(hasCodeTag(modelWithCard("a/near", "x", { tags: ["code-generation", "codes"] }, { tags: ["coding"] }))).toBe(false);
  });
});

describe("applyOutlierRules end to end", () => {
  const preparer = createPreparer();
  const compiled = compileTaxonomy(loadTaxonomy(), preparer);
  const run = (record: ReturnType<typeof modelWithCard>) => applyOutlierRules(record, searchRecord(record, compiled, preparer).matches);
  const summary = (occurrences: ReturnType<typeof run>) => occurrences.map((o) => `${o.task}:${o.raw}:${o.excludedBy ?? "kept"}`);

  test("a config dump with debug: None and logging arguments", () => {
    const occurrences = run(modelWithCard("acme/config", cardFixture("config-dump.md")));
    expect(summary(occurrences)).toEqual([
      "debugging:debug:debug.followed-by-quote",
      // 'logging_dir' / 'logging_steps': "log" is followed by "g", and no log rule knows quotes.
      "logging:logging:kept",
      "logging:logs:log.followed-by-letter",
      "logging:logging:kept",
      // A backtick is in none of Table III's lists, so `DEBUG=1` stands and keeps the model.
      "debugging:DEBUG:kept",
      "debugging:debug:debug.after-punct",
    ]);
    expect(modelsAfterOutliers(occurrences)).toEqual([
      { id: "acme/config", activities: ["SM"], tasks: ["debugging", "logging"], taskIds: ["sm.debugging", "sm.logging"] },
    ]);
  });

  test("a training-log card: No log, Training log, train.log, test log, import logging", () => {
    const occurrences = run(modelWithCard("acme/whisper", cardFixture("training-log.md")));
    expect(summary(occurrences)).toEqual([
      "logging:log:log.no-log",
      "logging:log:log.training-log",
      "logging:log:log.after-punct",
      "logging:log:log.test-log",
      "logging:logging:log.import-logging",
      // "logging.getLogger": a period AFTER the word is in none of the log lists, so this one stands.
      "logging:logging:kept",
    ]);
    expect(modelsAfterOutliers(occurrences.slice(0, 5))).toEqual([]);
    expect(modelsAfterOutliers(occurrences).map((m) => m.id)).toEqual(["acme/whisper"]);
  });

  test("coding needs the code tag; other tasks pass untouched; a model survives through any occurrence", () => {
    const body = cardFixture("code-assistant.md");
    const untagged = run(modelWithCard("acme/helper", body));
    expect(summary(untagged)).toEqual([
      "code generation:Code Generation:kept",
      // "debugging: paste ...": the colon follows "debugging", not "debug", so rule (ii) does not apply.
      "debugging:debugging:kept",
      "logging:Logging:kept",
      "coding:coding:coding.requires-code-tag",
      "code generation:code-generation:kept",
    ]);
    expect(modelsAfterOutliers(untagged)).toEqual([
      {
        id: "acme/helper",
        activities: ["SI", "SM"],
        tasks: ["code generation", "debugging", "logging"],
        taskIds: ["si.code-generation", "sm.debugging", "sm.logging"],
      },
    ]);
    const tagged = run(modelWithCard("acme/helper", body, { tags: ["code"] }));
    expect(tagged.find((o) => o.task === "coding")!.excludedBy).toBeNull();
  });

  test("matches of another model are refused", () => {
    const record = modelWithCard("acme/a", "debugging");
    const foreign = searchRecord(modelWithCard("acme/b", "debugging"), compiled, preparer).matches;
    expect(() => applyOutlierRules(record, foreign)).toThrow(/acme\/b.*acme\/a/);
  });

  test("the outlier tasks are configurable by name", () => {
    const record = modelWithCard("acme/log", "See the log_dir.");
    const matches = searchRecord(record, compiled, preparer).matches;
    expect(applyOutlierRules(record, matches, {})[0]!.excludedBy).toBeNull();
    expect(applyOutlierRules(record, matches)[0]!.excludedBy).toBe("log.before-punct");
  });

  test("occurrences round-trip through the Arrow column spec", () => {
    const occurrences = run(modelWithCard("acme/config", cardFixture("config-dump.md")));
    expect(tableToRows(rowsToTable(occurrences, OCCURRENCES), OCCURRENCES)).toEqual(occurrences);
  });
});

describe("outlierShare", () => {
  test("share of occurrences that belong to the outlier tasks, beside the paper's", () => {
    const matches = [{ task: "debugging" }, { task: "logging" }, { task: "logging" }, { task: "code generation" }] as TaskMatch[];
    expect(outlierShare(matches)).toEqual({
      occurrences: 4,
      outlierOccurrences: 3,
      share: 0.75,
      byTask: [
        { task: "debugging", occurrences: 1 },
        { task: "logging", occurrences: 2 },
        { task: "coding", occurrences: 0 },
      ],
      paperShare: 0.8901,
    });
    expect(outlierShare([]).share).toBe(0);
  });
});
