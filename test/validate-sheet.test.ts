import { describe, expect, test } from "vitest";
import { emptyRecord } from "../src/corpus/record";
import type { Verdict } from "../src/run/tables";
import { agreementRows, consolidateLabels, groundTruthReference } from "../src/validate/annotations";
import { parseCsv } from "../src/validate/csv";
import type { PilotRow } from "../src/validate/sample";
import { SheetError, hubUrl, importSheet, sheetCsv, sheetRows, type HumanLabel } from "../src/validate/sheet";

const plan: PilotRow[] = [
  { id: "acme/coder", activity: "SI", set: "pilot", tasks: ["code generation"], reliability: true },
  { id: "acme/chat", activity: "SI", set: "pilot", tasks: ["api inference"], reliability: false },
  { id: "acme/repair", activity: "SM", set: "holdout", tasks: ["program repair"], reliability: false },
];

describe("annotation sheets", () => {
  test("export: one row per plan row with a Hub link, evidence, excerpt and empty label columns; CSV round-trips", () => {
    const body = 'A model for "code generation", in Python,\nwith commas and quotes.';
    const records = new Map([["acme/coder", { ...emptyRecord("acme/coder"), cardBody: body }]]);
    const evidence = new Map([
      [
        "acme/coder",
        [
          {
            activity: "SI" as const,
            evidence: {
              taskId: "si.code-generation",
              task: "code generation",
              source: "card",
              field: "body",
              raw: "code generation",
              before: 'A model for "',
              after: '", in Python',
            },
          },
        ],
      ],
    ]);
    const rows = sheetRows(plan, records, evidence);
    expect(rows[0]).toMatchObject({ id: "acme/coder", hub_url: "https://huggingface.co/acme/coder", card_excerpt: body, relevant: "", rationale: "" });
    expect(rows[0]!.evidence).toBe('code generation [card/body]: ...A model for "[code generation]", in Python...');
    expect(rows[2]!.card_excerpt).toBe("");
    const parsed = parseCsv(sheetCsv(rows));
    expect(parsed).toHaveLength(4);
    expect(parsed[1]!.cells[6]).toBe(body);
    expect(parsed[1]!.cells[4]).toBe("code generation");
    expect(hubUrl("legacy-model")).toBe("https://huggingface.co/legacy-model");
  });

  test("import: labels read with their set; spreadsheet quirks (BOM, CRLF, case) accepted", () => {
    const csv =
      "\ufeffid,activity,set,relevant,rationale\r\nacme/coder,SI,pilot,Yes,writes code\r\nacme/chat,Software Implementation,pilot,no,\r\nacme/repair,SM,holdout,y,fixes bugs\r\n";
    const { labels } = importSheet(csv, plan, { annotator: "A" });
    expect(labels).toEqual([
      { id: "acme/coder", activity: "SI", set: "pilot", annotator: "A", relevant: true, rationale: "writes code" },
      { id: "acme/chat", activity: "SI", set: "pilot", annotator: "A", relevant: false, rationale: "" },
      { id: "acme/repair", activity: "SM", set: "holdout", annotator: "A", relevant: true, rationale: "fixes bugs" },
    ]);
  });

  test("import: unknown ids, bad labels, duplicates and missing labels are all reported with row and id", () => {
    const csv = [
      "id,activity,relevant",
      "acme/coder,SI,maybe",
      "ghost/model,SI,yes",
      "acme/chat,SI,no",
      "acme/chat,SI,yes",
      "acme/repair,SM,",
      "acme/coder,XX,yes",
    ].join("\n");
    let error: SheetError | null = null;
    try {
      importSheet(csv, plan, { annotator: "A", source: "a.csv" });
    } catch (e) {
      error = e as SheetError;
    }
    expect(error).toBeInstanceOf(SheetError);
    expect(error!.problems).toEqual([
      'row 2 (acme/coder): label "maybe" is not yes or no',
      "row 3 (ghost/model): not in the pilot plan for SI",
      "row 5 (acme/chat): duplicate of row 4 for SI",
      "row 6 (acme/repair): no label in 'relevant' (expected yes or no)",
      'row 7 (acme/coder): unknown activity "XX"',
    ]);
    expect(error!.message).toMatch(/^annotation sheet a\.csv: 5 problem\(s\)/);
    expect(importSheet("id,activity,relevant\nacme/repair,SM,\n", plan, { annotator: "A", allowUnlabelled: true }).unlabelled).toBe(1);
    expect(() => importSheet("id,label\n", plan, { annotator: "A" })).toThrow(/lacks column\(s\) activity, relevant/);
    expect(() => importSheet("id,activity,relevant\n", plan, { annotator: "../x" })).toThrow(/annotator name/);
  });
});

describe("human reference and agreement", () => {
  const label = (annotator: string, id: string, activity: "SI" | "SM", relevant: boolean): HumanLabel => ({
    id,
    activity,
    set: id === "acme/repair" ? "holdout" : "pilot",
    annotator,
    relevant,
    rationale: "",
  });

  test("reliability rows are settled by majority of three; others keep the primary label", () => {
    const labels = [
      label("A", "acme/coder", "SI", false),
      label("B", "acme/coder", "SI", true),
      label("C", "acme/coder", "SI", true),
      label("A", "acme/chat", "SI", false),
      label("B", "acme/chat", "SI", true),
      label("A", "acme/repair", "SM", true),
    ];
    const c = consolidateLabels(plan, labels, "A");
    expect(c.labels).toEqual([
      { id: "acme/coder", activity: "SI", set: "pilot", relevant: true, method: "majority", votes: 3 },
      { id: "acme/chat", activity: "SI", set: "pilot", relevant: false, method: "primary", votes: 1 },
      { id: "acme/repair", activity: "SM", set: "holdout", relevant: true, method: "primary", votes: 1 },
    ]);
    expect(c.missingPrimary).toBe(0);
    expect(c.interAnnotator.map((x) => [x.annotator, x.n])).toEqual([
      ["B", 2],
      ["C", 1],
    ]);
    expect(() => consolidateLabels(plan, labels, "Z")).toThrow(/no labels from the primary annotator "Z"/);
  });

  test("agreement rows per activity with the paper's kappa beside them; judge errors counted, not paired", () => {
    const v = (id: string, activity: "SI" | "SM", relevant: boolean | null): Verdict => ({
      id,
      activity,
      relevant,
      rationale: "",
      judge: "offline-rules/v2",
      promptHash: "h",
      error: relevant === null ? "boom" : null,
    });
    const verdicts = [v("a", "SI", true), v("b", "SI", false), v("c", "SI", true), v("d", "SI", null), v("e", "SM", true)];
    const reference = [
      { id: "a", activity: "SI" as const, relevant: true },
      { id: "b", activity: "SI" as const, relevant: false },
      { id: "c", activity: "SI" as const, relevant: false },
      { id: "d", activity: "SI" as const, relevant: true },
      { id: "e", activity: "SM" as const, relevant: true },
    ];
    const rows = agreementRows(verdicts, reference, "pilot");
    const si = rows.find((r) => r.scope === "SI")!;
    expect(si).toMatchObject({ pairs: 3, judgeErrors: 1, paperKappa: 0.85, precision: 0.5, recall: 1 });
    // 1 yes/yes, 1 yes/no, 0 no/yes, 1 no/no: p_o 2/3, p_e 2/3*1/3+1/3*2/3 = 4/9, kappa 0.4.
    expect(si.kappa).toBeCloseTo(0.4, 12);
    expect(rows.find((r) => r.scope === "all")).toMatchObject({ pairs: 4, judgeErrors: 1, paperKappa: null });
    expect(agreementRows(verdicts, reference, "holdout").find((r) => r.scope === "all")!.paperKappa).toBe(0.88);

    const truth = groundTruthReference(verdicts, [
      { id: "a", isSe: true, seActivities: ["SI"] },
      { id: "e", isSe: true, seActivities: ["SI"] },
    ]);
    expect(truth).toEqual([
      { id: "a", activity: "SI", relevant: true },
      { id: "e", activity: "SM", relevant: false },
    ]);
  });
});
