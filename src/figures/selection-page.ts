/**
 * selection.html: the paper's Fig. 10 walk-through as a page. Every SE model of a run with its facts and
 * the evidence that kept it, filters whose chain shows as a funnel, the paper's chain on one button,
 * shareable state in the URL hash and a CSV export.
 *
 * One self-contained file: the catalogue sits in a JSON script block (`<` escaped, so no card text can
 * close it), the client script (selection-client.js, plain JavaScript) is inlined, and a
 * Content-Security-Policy allows only those two scripts, by hash, and no fetch of any kind. The only
 * addresses in the page are ordinary links to the models' Hub pages. Same catalogue, same bytes.
 */
import { createHash } from "node:crypto";
import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import type { RunAnalyses } from "../analyse/all";
import { buildCatalogue, type Catalogue } from "../analyse/catalogue";
import { loadRunEvidence } from "../analyse/evidence";
import type { RunData } from "../analyse/run-data";
import { REPLICATION_FILES, replicationLayout, RUN_FILES } from "../run/layout";
import type { Taxonomy } from "../taxonomy/taxonomy";
import { writeFileAtomic } from "../util/atomic";
import { escapeHtml, scriptJson } from "./html";
import { SYNTHETIC_BANNER } from "./report";

const CLIENT_FILE = "selection-client.js";

/** The client script, beside this module in src/ and in dist/ (the build copies it, scripts/copy-assets.mjs). */
export function selectionClientPath(): string {
  const path = join(__dirname, CLIENT_FILE);
  if (!existsSync(path)) throw new Error(`the selection page script ${CLIENT_FILE} is missing from the installation (${path})`);
  return path;
}

let cachedClient: string | null = null;
export function selectionClientSource(): string {
  cachedClient ??= readFileSync(selectionClientPath(), "utf8");
  if (/<\/script|<!--/i.test(cachedClient)) throw new Error(`${CLIENT_FILE} must not contain "</script" or "<!--": it is inlined into a script element`);
  return cachedClient;
}

const BOOT = "hfSeSelection.startPage(document, window);";

export interface SelectionPageOptions {
  title?: string;
  /** Link back to the report (relative), or null for none. */
  reportHref?: string | null;
  /** Corpus described in the header, e.g. its folder. */
  corpusLabel?: string;
}

const sha256 = (text: string) => `'sha256-${createHash("sha256").update(text, "utf8").digest("base64")}'`;

export function selectionPageHtml(catalogue: Catalogue, options: SelectionPageOptions = {}): string {
  const title = options.title ?? "Choose a model: the selection walk-through";
  const client = selectionClientSource();
  // Only the page's own two scripts may run (by hash), and nothing may be fetched.
  const scripts = `script-src ${sha256(client)} ${sha256(BOOT)}`;
  const csp = ["default-src 'none'", scripts, "style-src 'unsafe-inline'", "base-uri 'none'", "form-action 'none'"].join("; ");
  const models = catalogue.models.length.toLocaleString("en-US");
  const corpus = `${options.corpusLabel ? `${options.corpusLabel}: ` : ""}${catalogue.corpus.records.toLocaleString("en-US")} models, created by ${catalogue.corpus.createdBy}${catalogue.synthetic ? ", SYNTHETIC" : ""}`;
  const banner = catalogue.synthetic ? `<p class="banner" id="synthetic-banner">${escapeHtml(SYNTHETIC_BANNER)}</p>\n` : "";
  const back = options.reportHref === null ? "" : ` <a href="${escapeHtml(options.reportHref ?? REPLICATION_FILES.index)}">Back to the replication report</a>`;
  return `<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta http-equiv="Content-Security-Policy" content="${escapeHtml(csp)}">
<meta name="referrer" content="no-referrer">
<title>${escapeHtml(title)}</title>
<style>${STYLE}</style>
</head>
<body>
<a class="skip" href="#results">Skip to the models</a>
${banner}<header>
<h1>${escapeHtml(title)}</h1>
<p class="lead">Every software-engineering model this run kept, with the evidence that kept it. Filter the way the paper's Fig. 10 walks a team to one model (an activity, a programming language, energy reporting, a licence, then a ranking) or any other way: the filters form a funnel, and the page's address keeps the selection so it can be shared.</p>
<div class="actions"><button type="button" id="walkthrough">Paper's walk-through</button> <button type="button" id="clear">Clear all filters</button> <span class="run">${models} SE models; corpus ${escapeHtml(corpus)}.${back}</span></div>
<p id="walkthrough-message" class="message" role="status" aria-live="polite"></p>
<p id="notice" class="warn" hidden></p>
</header>
<div class="layout">
<aside aria-labelledby="filters-title">
<h2 id="filters-title">Filters</h2>
<label for="search" class="search-label">Search ids, tasks, tags, licences, base models</label>
<input type="search" id="search" autocomplete="off" spellcheck="false">
<div id="facets"></div>
</aside>
<main id="results" tabindex="-1">
<section aria-labelledby="funnel-title">
<h2 id="funnel-title">Filter chain</h2>
<ol id="funnel" class="funnel"></ol>
</section>
<section aria-labelledby="models-title">
<h2 id="models-title">Models</h2>
<div class="toolbar"><label for="sort">Sort by</label> <select id="sort"></select> <button type="button" id="export">Export as CSV</button></div>
<p id="status" role="status" aria-live="polite"></p>
<table class="models">
<thead><tr><th scope="col" class="num">#</th><th scope="col">Model (open for the evidence)</th><th scope="col">Activities</th><th scope="col">Licence</th><th scope="col" class="num">Downloads</th><th scope="col" class="num">Likes</th><th scope="col">Energy</th><th scope="col" id="score-heading">Benchmarks</th></tr></thead>
<tbody id="rows"></tbody>
</table>
<button type="button" id="more" hidden>Show more</button>
</section>
<section class="notes" aria-labelledby="notes-title">
<h2 id="notes-title">How the facts are read</h2>
<ul>
<li>Activities and tasks: the run's final SE models (<code>${RUN_FILES.seModels}</code>), after the task search, the outlier rules, the near-identical check and the relevance check.</li>
<li>Programming language: declared in the card metadata or tags, or named in the card prose outside code blocks (the walk-through's test); Go, C, R and Swift count only when declared.</li>
<li>Licence groups: a model is in every group one of its declared licences falls in; "other" holds OpenRAIL, Llama-style and custom licences and Creative Commons without NC or SA.</li>
<li>Energy use: <code>co2_eq_emissions</code> in the metadata, or an energy or carbon section of the card with a figure in it.</li>
<li>Benchmarks: names found in the card's markdown tables (Fig. 9). Scores are as the card prints them: a 0&ndash;1 fraction and a percentage are not reconciled, so compare scores of one benchmark with care.</li>
<li>The paper's ranking: more benchmarks reported, more scores in metadata, more likes, more downloads, then the id (Fig. 10's last step).</li>
</ul>
</section>
</main>
</div>
<noscript><p class="warn">This page needs JavaScript to list and filter the models; the same data is in the report's tables.</p></noscript>
<script type="application/json" id="selection-data">${scriptJson(catalogue)}</script>
<script>${client}</script>
<script>${BOOT}</script>
</body>
</html>
`;
}

/** Read the evidence, build the catalogue and write the selection page into `outDir`; returns its path. */
export async function writeSelectionPage(
  outDir: string,
  data: RunData,
  analyses: RunAnalyses,
  taxonomy: Taxonomy,
  options: SelectionPageOptions = {},
): Promise<string> {
  const evidence = loadRunEvidence(data.runDir, data.seModels, data.verdicts);
  const catalogue = buildCatalogue(data, analyses, taxonomy, evidence);
  const path = replicationLayout(outDir).selection;
  await writeFileAtomic(path, selectionPageHtml(catalogue, options));
  return path;
}

const STYLE = `
*{box-sizing:border-box}
[hidden]{display:none!important}
body{font-family:"DejaVu Sans",Arial,sans-serif;font-size:15px;line-height:1.45;margin:0;color:#1d1d1f;background:#fff}
a{color:#0b57b0}
code{font-family:"DejaVu Sans Mono",monospace;font-size:.9em;background:#f2f4f7;padding:0 3px;border-radius:3px}
:focus-visible{outline:3px solid #0b57b0;outline-offset:2px}
.skip{position:absolute;left:8px;top:-60px;background:#fff;padding:6px 10px;border:2px solid #0b57b0;z-index:10}
.skip:focus{top:8px}
.banner{background:#b00020;color:#fff;padding:10px 24px;margin:0;font-weight:bold}
header{padding:12px 24px 4px;border-bottom:1px solid #d6dae0}
h1{font-size:1.45em;margin:0 0 4px}
h2{font-size:1.1em;margin:14px 0 6px}
h3{font-size:1.05em;margin:0 0 6px}
h4{font-size:.95em;margin:12px 0 4px}
.lead{margin:4px 0;max-width:75em}
.run{color:#444;font-size:.9em;margin-left:8px}
.actions{margin:8px 0}
button,select,input{font:inherit}
button{background:#fff;border:1px solid #7a8594;border-radius:4px;padding:4px 12px;cursor:pointer;color:#1d1d1f}
button:hover{background:#eef3fb}
button:disabled{color:#888;cursor:default}
#walkthrough{background:#0b57b0;border-color:#0b57b0;color:#fff;font-weight:bold}
#walkthrough:hover{background:#094a96}
.message{margin:6px 0;font-weight:bold;color:#0d4d2a;max-width:75em}
.message:empty{display:none}
.warn{background:#fff4e5;border-left:4px solid #e69f00;padding:6px 10px}
.layout{display:grid;grid-template-columns:300px minmax(0,1fr);align-items:start}
aside{position:sticky;top:0;max-height:100vh;overflow:auto;padding:4px 16px 16px 24px;border-right:1px solid #d6dae0;background:#fafbfc}
.search-label{display:block;font-size:.9em;color:#444;margin-bottom:2px}
input[type=search]{width:100%;padding:4px 6px;border:1px solid #7a8594;border-radius:4px}
fieldset{border:0;border-top:1px solid #d6dae0;margin:10px 0 0;padding:6px 0 0}
legend{font-weight:bold;padding:0 4px 0 0}
.options.scroll{max-height:260px;overflow:auto;border:1px solid #d6dae0;border-radius:4px;padding:2px 4px;background:#fff;margin-top:4px}
.option{display:flex;align-items:baseline;gap:6px;padding:1px 0}
.option label{display:flex;flex:1;justify-content:space-between;gap:8px;cursor:pointer}
.option .count{color:#555;font-variant-numeric:tabular-nums}
.option.zero label{color:#8a8f98}
.sub{color:#5a616b;font-size:.85em}
label.sub{display:block;margin-top:4px}
main{padding:4px 24px 24px;min-width:0}
main:focus{outline:none}
.funnel{list-style:none;margin:0;padding:0;max-width:900px}
.funnel li{display:grid;grid-template-columns:minmax(14em,2fr) 3fr 5em 2em;align-items:center;gap:10px;padding:3px 0;border-bottom:1px solid #eef0f3}
.funnel .bar{display:block;height:14px;background:#eef0f3;border-radius:2px;overflow:hidden}
.funnel .fill{display:block;height:100%;background:#0072b2}
.funnel .count{text-align:right;font-variant-numeric:tabular-nums;font-weight:bold}
.funnel .remove{padding:0 6px;line-height:1.3}
.toolbar{display:flex;flex-wrap:wrap;align-items:center;gap:8px}

table{border-collapse:collapse}
table.models{width:100%;margin-top:4px;font-size:.93em}
table.models th,table.models td{border-bottom:1px solid #e1e4e8;padding:4px 8px;text-align:left;vertical-align:top}
table.models thead th{position:sticky;top:0;background:#f3f5f8;z-index:1}
.num{text-align:right;font-variant-numeric:tabular-nums}
th.num{text-align:right}
td.model-cell{min-width:17em}
button.open{border:0;background:none;padding:0;text-align:left;color:#0b57b0;font-weight:bold;overflow-wrap:anywhere}
button.open:hover{text-decoration:underline;background:none}
.chevron{display:inline-block;width:1.1em;color:#444}
tr.is-open{background:#f3f8ff}
td.empty{padding:12px 8px;color:#5a616b}
tr.detail-row td{background:#f8fafc;border-bottom:2px solid #b8c4d4}
.detail{display:grid;grid-template-columns:minmax(0,1fr) minmax(0,1.3fr);gap:24px;padding:6px 4px}
dl.facts{display:grid;grid-template-columns:max-content 1fr;gap:2px 12px;margin:6px 0}
dl.facts dt{font-weight:bold;color:#333}
dl.facts dd{margin:0;word-break:break-word}
table.benchmarks,table.verdicts{font-size:.92em;margin-top:6px}
table.benchmarks caption{text-align:left;font-weight:bold;padding-bottom:2px}
table.benchmarks th,table.benchmarks td,table.verdicts th,table.verdicts td{border:1px solid #d6dae0;padding:2px 6px;text-align:left;vertical-align:top}
table.verdicts td.yes{color:#0d4d2a;font-weight:bold}
table.verdicts td.no{color:#8a1c1c;font-weight:bold}
ul.matches,ul.variants{margin:4px 0;padding-left:1.2em}
ul.matches li{margin-bottom:4px}
.context{font-family:"DejaVu Sans Mono",monospace;font-size:.85em;color:#333;white-space:pre-wrap;word-break:break-word;background:#fff;border:1px solid #e1e4e8;padding:2px 6px;margin-top:2px}
mark{background:#ffe08a;color:#000}
#more{margin:10px 0}
.notes{margin-top:24px;color:#333;font-size:.9em;max-width:75em}
@media (max-width:900px){.layout{grid-template-columns:1fr}aside{position:static;max-height:none;border-right:0}.detail{grid-template-columns:1fr}}
`;
