/*
 * hf-se-atlas selection page: the script of selection.html (assembled by selection-page.ts).
 *
 * Plain JavaScript (ES2020), no dependencies and no network: the page reads its data from the JSON
 * block #selection-data and only ever rewrites its own URL hash. Text from the data reaches the DOM
 * through textContent and setAttribute, never innerHTML: model cards are untrusted input.
 *
 * The same file loads in Node (module.exports), so tests and `npm run bench` exercise the engine the
 * page runs. The engine keeps one bitset per facet value, built once; a query is a few AND/OR passes
 * over them, a popcount per facet value, and one walk along a precomputed sort order.
 */
/* global URLSearchParams, Blob, URL, setTimeout, performance -- browser globals (Node 20 has them too) */
(function (root, factory) {
  const api = factory();
  if (typeof module === "object" && module && module.exports) module.exports = api;
  else root.hfSeSelection = api;
})(typeof globalThis !== "undefined" ? globalThis : this, function () {
  "use strict";

  /** Facets in the order the filter panel shows them; the key is also the URL parameter. */
  const FACETS = [
    { key: "activity", label: "Activity" },
    { key: "language", label: "Programming language" },
    { key: "licence", label: "Licence" },
    { key: "energy", label: "Energy use" },
    { key: "benchmarks", label: "Benchmarks" },
    { key: "task", label: "Task" },
  ];
  /** The free-text search is a step of the chain too. */
  const TEXT = "q";
  const PAPER_SORT = "paper";
  const BENCHMARK_SORT = "benchmark:";
  const PAGE = 50;

  const LICENCE_LABELS = {
    permissive: "permissive (MIT, Apache-2.0, BSD, ...)",
    copyleft: "copyleft (GPL, LGPL, MPL, CC-BY-SA, ...)",
    "non-commercial": "non-commercial (CC-BY-NC, ...)",
    other: "other (OpenRAIL, Llama, CC-BY, custom, ...)",
    none: "none declared",
  };

  // ---------------------------------------------------------------------------------------------
  // Bitsets

  function popcount(x) {
    x -= (x >>> 1) & 0x55555555;
    x = (x & 0x33333333) + ((x >>> 2) & 0x33333333);
    x = (x + (x >>> 4)) & 0x0f0f0f0f;
    return Math.imul(x, 0x01010101) >>> 24;
  }

  function countBits(set) {
    let total = 0;
    for (let w = 0; w < set.length; w++) total += popcount(set[w]);
    return total;
  }

  function countAnd(a, b) {
    let total = 0;
    for (let w = 0; w < a.length; w++) total += popcount(a[w] & b[w]);
    return total;
  }

  function andInto(target, other) {
    for (let w = 0; w < target.length; w++) target[w] &= other[w];
    return target;
  }

  function hasBit(set, i) {
    return (set[i >>> 5] & (1 << (i & 31))) !== 0;
  }

  // ---------------------------------------------------------------------------------------------
  // Engine: indexes built once, queries over them

  /**
   * @param data the page payload (Catalogue in src/analyse/catalogue.ts)
   * @returns an engine: `query(state)` gives the funnel, per-value counts and the ordered rows
   */
  function createEngine(data) {
    const models = data.models;
    const n = models.length;
    const words = (n + 31) >>> 5;
    const full = new Uint32Array(words).fill(0xffffffff);
    if (n % 32 !== 0) full[words - 1] = 2 ** (n % 32) - 1;

    const taskByKey = new Map(data.tasks.map((t) => [t.key, t]));
    const languageName = new Map(data.programmingLanguages.map((l) => [l.id, l.name]));
    const activityName = new Map(data.activities.map((a) => [a.code, a.name]));
    const indexOfId = new Map(models.map((m, i) => [m.id, i]));

    const facets = new Map();
    /** values: [{value, label (the filter list's), short (the funnel's and the walk-through's)}] */
    function defineFacet(key, values, valuesOf) {
      const sets = new Map(values.map((v) => [v.value, new Uint32Array(words)]));
      models.forEach((m, i) => {
        for (const value of valuesOf(m)) {
          const set = sets.get(value);
          if (set) set[i >>> 5] |= 1 << (i & 31);
        }
      });
      const label = FACETS.find((f) => f.key === key).label;
      const described = values.map((v) => ({ value: v.value, label: v.label, total: countBits(sets.get(v.value)) }));
      facets.set(key, { key, label, values: described, shortOf: new Map(values.map((v) => [v.value, v.short || v.label])), sets });
    }
    const yesNo = (yes, no, shortYes, shortNo) => [
      { value: "yes", label: yes, short: shortYes },
      { value: "no", label: no, short: shortNo },
    ];
    defineFacet(
      "activity",
      data.activities.map((a) => ({ value: a.code, label: a.code + " \u00b7 " + a.name, short: a.code })),
      (m) => m.activities,
    );
    defineFacet(
      "language",
      data.programmingLanguages.map((l) => ({ value: l.id, label: l.name })),
      (m) => m.programmingLanguages,
    );
    defineFacet(
      "licence",
      data.licenceGroups.map((g) => ({ value: g, label: LICENCE_LABELS[g] || g, short: g })),
      (m) => m.licenceGroups,
    );
    defineFacet("energy", yesNo("reports energy use", "does not report it", "reported", "not reported"), (m) => [m.reportsEnergy ? "yes" : "no"]);
    defineFacet("benchmarks", yesNo("reports benchmarks in a table", "reports none", "reported", "none"), (m) => [m.benchmarks.length > 0 ? "yes" : "no"]);
    // Tasks most models kept first, so the long list starts with what matters.
    const taskValues = data.tasks.map((t) => ({ value: t.key, label: t.name + (t.activity ? " (" + t.activity + ")" : ""), short: t.name }));
    defineFacet("task", taskValues, (m) => m.tasks);
    const taskFacet = facets.get("task");
    taskFacet.values.sort((a, b) => b.total - a.total || (a.label < b.label ? -1 : a.label > b.label ? 1 : 0));

    // Text search: one lower-cased haystack per model; the last query's set is cached.
    const haystacks = models.map((m) =>
      [
        m.id,
        m.pipelineTag || "",
        ...m.tasks.map((k) => (taskByKey.get(k) || { name: k }).name),
        ...m.baseModels,
        ...m.licenses.map((l) => l.id),
        ...m.languages,
        ...m.programmingLanguages.map((id) => languageName.get(id) || id),
        ...m.benchmarks.map((b) => b.benchmark),
      ]
        .join("\n")
        .toLowerCase(),
    );
    let textCache = { query: null, set: null };
    function textSet(query) {
      if (textCache.query === query) return textCache.set;
      const terms = query.toLowerCase().split(/\s+/).filter(Boolean);
      const set = new Uint32Array(words);
      for (let i = 0; i < n; i++) {
        const hay = haystacks[i];
        let all = true;
        for (const term of terms)
          if (!hay.includes(term)) {
            all = false;
            break;
          }
        if (all) set[i >>> 5] |= 1 << (i & 31);
      }
      textCache = { query, set };
      return set;
    }

    function stepSet(step) {
      if (step.facet === TEXT) return textSet(step.values[0] || "");
      const facet = facets.get(step.facet);
      const set = new Uint32Array(words);
      for (const value of step.values) {
        const values = facet.sets.get(value);
        if (values) for (let w = 0; w < words; w++) set[w] |= values[w];
      }
      return set;
    }

    // Sort orders: the paper's ranking is the data's `rank`; the others break ties by it.
    const byRank = Array.from({ length: n }, (_, i) => i).sort((a, b) => models[a].rank - models[b].rank);
    const rankPos = new Int32Array(n);
    byRank.forEach((i, pos) => (rankPos[i] = pos));
    function descending(valueOf) {
      return Array.from({ length: n }, (_, i) => i).sort((a, b) => {
        const va = valueOf(models[a]);
        const vb = valueOf(models[b]);
        if (va === vb) return rankPos[a] - rankPos[b];
        if (va === null) return 1;
        if (vb === null) return -1;
        return vb - va || rankPos[a] - rankPos[b];
      });
    }
    const benchmarkOf = (m, name) => m.benchmarks.find((b) => b.benchmark === name) || null;
    const orders = new Map([[PAPER_SORT, byRank]]);
    const sorts = [
      { value: PAPER_SORT, label: "the paper's ranking" },
      { value: "downloads", label: "downloads" },
      { value: "likes", label: "likes" },
      ...data.benchmarks.map((name) => ({ value: BENCHMARK_SORT + name, label: "score on " + name, benchmark: name })),
    ];
    function orderFor(sort) {
      let order = orders.get(sort);
      if (order) return order;
      if (sort === "downloads" || sort === "likes") order = descending((m) => m[sort]);
      else {
        // A benchmark: models with a score by score, then models naming it without a number, then the rest.
        const name = sort.slice(BENCHMARK_SORT.length);
        order = descending((m) => {
          const b = benchmarkOf(m, name);
          if (!b) return null;
          return b.value === null ? -Number.MAX_VALUE : b.value;
        });
      }
      orders.set(sort, order);
      return order;
    }

    function query(state) {
      const steps = state.chain.map((step) => ({ step, set: stepSet(step) }));
      const current = full.slice();
      const funnel = [{ facet: null, values: [], remaining: n }];
      for (const { step, set } of steps) {
        andInto(current, set);
        funnel.push({ facet: step.facet, values: step.values, remaining: countBits(current) });
      }
      // Each value's count: the models it would leave with every other facet's step applied.
      const counts = new Map();
      for (const facet of facets.values()) {
        const base = full.slice();
        for (const { step, set } of steps) if (step.facet !== facet.key) andInto(base, set);
        const perValue = new Map();
        for (const [value, set] of facet.sets) perValue.set(value, countAnd(base, set));
        counts.set(facet.key, perValue);
      }
      const order = orderFor(state.sort);
      const rows = [];
      for (let k = 0; k < n; k++) if (hasBit(current, order[k])) rows.push(order[k]);
      return { funnel, counts, rows };
    }

    return {
      data,
      models,
      facets,
      sorts,
      query,
      indexOf: (id) => (indexOfId.has(id) ? indexOfId.get(id) : -1),
      taskName: (key) => (taskByKey.get(key) || { name: key }).name,
      languageName: (id) => languageName.get(id) || id,
      activityName: (code) => activityName.get(code) || code,
      benchmarkOf,
      isSort: (value) => sorts.some((s) => s.value === value),
      stepLabel(step) {
        if (step.facet === TEXT) return "Search: \u201c" + (step.values[0] || "") + "\u201d";
        const facet = facets.get(step.facet);
        return facet.label + ": " + step.values.map((v) => facet.shortOf.get(v) || v).join(" or ");
      },
    };
  }

  // ---------------------------------------------------------------------------------------------
  // State <-> URL hash. The chain's order is the order of first appearance of each facet.

  function emptyState() {
    return { chain: [], sort: PAPER_SORT, open: [] };
  }

  /** Read a state from `#activity=SI&language=python&sort=likes&open=org/model`; unknown values are reported, not applied. */
  function parseState(hash, engine) {
    const state = emptyState();
    const ignored = [];
    const params = new URLSearchParams(String(hash || "").replace(/^#/, ""));
    for (const [key, value] of params) {
      if (key === "sort") {
        if (engine.isSort(value)) state.sort = value;
        else ignored.push(key + "=" + value);
      } else if (key === "open") {
        if (engine.indexOf(value) >= 0 && !state.open.includes(value)) state.open.push(value);
        else if (engine.indexOf(value) < 0) ignored.push(key + "=" + value);
      } else if (key === TEXT) {
        const text = value.trim();
        const step = state.chain.find((s) => s.facet === TEXT);
        if (!text) continue;
        if (step) step.values = [text];
        else state.chain.push({ facet: TEXT, values: [text] });
      } else if (engine.facets.has(key) && engine.facets.get(key).sets.has(value)) {
        let step = state.chain.find((s) => s.facet === key);
        if (!step) state.chain.push((step = { facet: key, values: [] }));
        if (!step.values.includes(value)) step.values.push(value);
      } else {
        ignored.push(key + "=" + value);
      }
    }
    return { state, ignored };
  }

  function formatState(state) {
    const params = new URLSearchParams();
    for (const step of state.chain) for (const value of step.values) params.append(step.facet, value);
    if (state.sort !== PAPER_SORT) params.append("sort", state.sort);
    for (const id of state.open) params.append("open", id);
    return params.toString();
  }

  /** Add or remove one value of a facet: a facet's first value appends its step to the chain, its last removes it. */
  function toggleValue(state, facet, value, on) {
    const chain = state.chain.map((s) => ({ facet: s.facet, values: s.values.slice() }));
    let step = chain.find((s) => s.facet === facet);
    if (on && !step) chain.push((step = { facet, values: [] }));
    if (step) {
      step.values = step.values.filter((v) => v !== value);
      if (on) step.values.push(value);
    }
    return Object.assign({}, state, { chain: chain.filter((s) => s.values.length > 0) });
  }

  function withText(state, text) {
    const trimmed = text.trim();
    const chain = state.chain.map((s) => ({ facet: s.facet, values: s.values.slice() }));
    const step = chain.find((s) => s.facet === TEXT);
    if (step) step.values = [trimmed];
    else if (trimmed) chain.push({ facet: TEXT, values: [trimmed] });
    return Object.assign({}, state, { chain: chain.filter((s) => s.values.length > 0 && s.values[0] !== "") });
  }

  // ---------------------------------------------------------------------------------------------
  // CSV export

  /** One CSV cell: text that a spreadsheet would run as a formula (= + - @, tab, CR first) gets a leading quote. */
  function csvCell(value) {
    let text = value === null || value === undefined ? "" : String(value);
    if (/^[=+\-@\t\r]/.test(text)) text = "'" + text;
    return /[",\r\n]/.test(text) ? '"' + text.replace(/"/g, '""') + '"' : text;
  }

  const CSV_COLUMNS = [
    "position",
    "id",
    "hub_url",
    "paper_rank",
    "activities",
    "tasks",
    "pipeline_tag",
    "languages",
    "programming_languages",
    "licenses",
    "licence_groups",
    "base_models",
    "downloads",
    "likes",
    "reports_energy",
    "benchmarks",
    "scores_in_metadata",
  ];

  function hubUrl(id) {
    return "https://huggingface.co/" + String(id).split("/").map(encodeURIComponent).join("/");
  }

  /** The rows (model indexes, in order) as CSV text. */
  function selectionCsv(engine, rows) {
    const lines = [CSV_COLUMNS.join(",")];
    rows.forEach((i, position) => {
      const m = engine.models[i];
      const cells = [
        position + 1,
        m.id,
        hubUrl(m.id),
        m.rank,
        m.activities.join("; "),
        m.tasks.map(engine.taskName).join("; "),
        m.pipelineTag,
        m.languages.join("; "),
        m.programmingLanguages.map(engine.languageName).join("; "),
        m.licenses.map((l) => l.id).join("; "),
        m.licenceGroups.join("; "),
        m.baseModels.join("; "),
        m.downloads,
        m.likes,
        m.reportsEnergy ? "yes" : "no",
        m.benchmarks.map((b) => (b.text ? b.benchmark + " " + b.text : b.benchmark)).join("; "),
        m.scoresInMetadata,
      ];
      lines.push(cells.map(csvCell).join(","));
    });
    return lines.join("\n") + "\n";
  }

  // ---------------------------------------------------------------------------------------------
  // The page

  function startPage(doc, win) {
    const data = JSON.parse(doc.getElementById("selection-data").textContent);
    const engine = createEngine(data);
    const $ = (id) => doc.getElementById(id);
    const ui = {
      search: $("search"),
      facets: $("facets"),
      funnel: $("funnel"),
      status: $("status"),
      notice: $("notice"),
      sort: $("sort"),
      rows: $("rows"),
      scoreHeading: $("score-heading"),
      more: $("more"),
      exportCsv: $("export"),
      walk: $("walkthrough"),
      walkMessage: $("walkthrough-message"),
      clear: $("clear"),
    };
    const stats = { ready: false, updates: 0, lastUpdateMs: 0, lastQueryMs: 0 };
    win.__selection = { stats, engine };

    const parsed = parseState(win.location.hash, engine);
    let state = parsed.state;
    let result = null;
    let shown = PAGE;
    let lastHash = null;

    function el(tag, attrs, children) {
      const node = doc.createElement(tag);
      if (attrs)
        for (const key of Object.keys(attrs)) {
          const value = attrs[key];
          if (value === null || value === undefined || value === false) continue;
          if (key === "text") node.textContent = value;
          else if (key === "className") node.className = value;
          else node.setAttribute(key, value === true ? "" : String(value));
        }
      for (const child of children || []) if (child !== null && child !== undefined) node.append(child);
      return node;
    }
    const oneLine = (text) => text.replace(/\s+/g, " ");
    const number = (value) => (value === null || value === undefined ? "unknown" : value.toLocaleString("en-US"));

    // Filter controls, built once; counts and checked states change on every update.
    const controls = new Map();
    for (const facet of engine.facets.values()) {
      const list = el("div", { className: facet.key === "task" ? "options scroll" : "options" });
      const fieldset = el("fieldset", { id: "facet-" + facet.key }, [el("legend", { text: facet.label })]);
      if (facet.key === "task") {
        const find = el("input", { type: "search", id: "task-find", placeholder: "find a task", autocomplete: "off" });
        fieldset.append(el("label", { for: "task-find", className: "sub", text: "Show tasks containing" }), find);
        find.addEventListener("input", () => {
          const words = find.value.toLowerCase();
          for (const c of controls.get("task").values()) c.row.dataset.match = c.label.toLowerCase().includes(words) ? "1" : "0";
          refreshVisibility();
        });
      }
      fieldset.append(list);
      const byValue = new Map();
      facet.values.forEach((v, k) => {
        const id = "f-" + facet.key + "-" + k;
        const input = el("input", { type: "checkbox", id, "data-facet": facet.key, "data-value": v.value });
        const count = el("span", { className: "count" });
        const row = el("div", { className: "option" }, [input, el("label", { for: id }, [el("span", { className: "name", text: v.label }), count])]);
        row.dataset.match = "1";
        input.addEventListener("change", () => {
          state = toggleValue(state, facet.key, v.value, input.checked);
          shown = PAGE;
          update();
        });
        list.append(row);
        byValue.set(v.value, { input, count, row, total: v.total, label: v.label, shown: null, zero: false });
      });
      controls.set(facet.key, byValue);
      ui.facets.append(fieldset);
    }
    function refreshVisibility() {
      // Values no model has are hidden unless selected (e.g. from a shared link or the walk-through).
      for (const byValue of controls.values()) {
        for (const c of byValue.values()) {
          const hidden = (c.total === 0 && !c.input.checked) || c.row.dataset.match === "0";
          if (c.row.hidden !== hidden) c.row.hidden = hidden;
        }
      }
    }

    for (const s of engine.sorts) ui.sort.append(el("option", { value: s.value, text: s.label }));
    ui.sort.addEventListener("change", () => {
      state = Object.assign({}, state, { sort: ui.sort.value });
      shown = PAGE;
      update();
    });
    ui.search.addEventListener("input", () => {
      state = withText(state, ui.search.value);
      shown = PAGE;
      update();
    });
    ui.clear.addEventListener("click", () => {
      state = Object.assign(emptyState(), { sort: state.sort });
      ui.walkMessage.textContent = "";
      shown = PAGE;
      update();
    });
    ui.more.addEventListener("click", () => {
      const first = shown;
      shown += PAGE;
      update();
      const button = ui.rows.querySelector('button[data-position="' + first + '"]');
      if (button) button.focus();
    });
    ui.walk.addEventListener("click", walkthrough);
    ui.exportCsv.addEventListener("click", () => {
      const blob = new Blob([selectionCsv(engine, result.rows)], { type: "text/csv;charset=utf-8" });
      const url = URL.createObjectURL(blob);
      const link = el("a", { href: url, download: "hf-se-atlas-selection.csv" });
      doc.body.append(link);
      link.click();
      link.remove();
      setTimeout(() => URL.revokeObjectURL(url), 1000);
    });
    win.addEventListener("hashchange", () => {
      if (win.location.hash.replace(/^#/, "") === lastHash) return;
      const next = parseState(win.location.hash, engine);
      state = next.state;
      showIgnored(next.ignored);
      shown = PAGE;
      update();
    });

    function walkthrough() {
      const steps = data.walkthrough.steps;
      state = { chain: steps.map((s) => ({ facet: s.facet, values: [s.value] })), sort: PAPER_SORT, open: [] };
      shown = PAGE;
      // Where the chain ends decides which model opens, so ask the engine before drawing once.
      result = engine.query(state);
      const top = result.rows.length > 0 ? engine.models[result.rows[0]].id : null;
      const chain = state.chain.map(engine.stepLabel).join(" \u2192 ");
      ui.walkMessage.textContent =
        "The paper's walk-through (" +
        chain +
        " \u2192 the paper's ranking) ended at " +
        data.walkthrough.paperEndsAt +
        ". " +
        (top === null
          ? "On this run the chain leaves no model: it empties at \u201c" +
            engine.stepLabel(state.chain[result.funnel.findIndex((f) => f.remaining === 0) - 1]) +
            "\u201d."
          : "On this run it leaves " +
            number(result.rows.length) +
            " model" +
            (result.rows.length === 1 ? "" : "s") +
            "; the first is " +
            top +
            ", opened below.");
      if (top !== null) state = Object.assign({}, state, { open: [top] });
      update();
    }

    function showIgnored(ignored) {
      ui.notice.hidden = ignored.length === 0;
      ui.notice.textContent = ignored.length === 0 ? "" : "Not in this run, so not applied from the link: " + ignored.join(", ");
    }

    function update() {
      const started = performance.now();
      result = engine.query(state);
      stats.lastQueryMs = performance.now() - started;
      renderControls();
      renderFunnel();
      renderRows();
      const hash = formatState(state);
      if (hash !== lastHash) {
        lastHash = hash;
        win.history.replaceState(null, "", win.location.pathname + win.location.search + (hash ? "#" + hash : ""));
      }
      stats.updates++;
      stats.lastUpdateMs = performance.now() - started;
    }

    function renderControls() {
      const active = new Map(state.chain.map((s) => [s.facet, s.values]));
      for (const [facet, byValue] of controls) {
        const counts = result.counts.get(facet);
        const selected = active.get(facet) || [];
        // Only what changed is written: a task list of ~150 values would otherwise be redrawn on every click.
        for (const [value, c] of byValue) {
          const checked = selected.includes(value);
          if (c.input.checked !== checked) c.input.checked = checked;
          const count = counts.get(value);
          if (c.shown !== count) {
            c.shown = count;
            c.count.textContent = number(count);
          }
          const zero = count === 0 && !checked;
          if (c.zero !== zero) {
            c.zero = zero;
            c.row.classList.toggle("zero", zero);
          }
        }
      }
      refreshVisibility();
      const text = active.get(TEXT);
      const wanted = text ? text[0] : "";
      if (ui.search.value.trim() !== wanted) ui.search.value = wanted;
      ui.sort.value = state.sort;
    }

    function renderFunnel() {
      const total = result.funnel[0].remaining;
      const items = result.funnel.map((entry, k) => {
        const step = k === 0 ? null : state.chain[k - 1];
        const share = total > 0 ? entry.remaining / total : 0;
        const bar = el("span", { className: "bar", "aria-hidden": "true" }, [el("span", { className: "fill" })]);
        bar.firstChild.style.width = (share * 100).toFixed(1) + "%";
        const label = k === 0 ? "All SE models of this run" : engine.stepLabel(step);
        const parts = [el("span", { className: "step-label", text: label }), bar, el("span", { className: "count", text: number(entry.remaining) })];
        if (step) {
          const remove = el("button", {
            type: "button",
            className: "remove",
            "aria-label": "Remove step: " + label,
            title: "Remove this step",
            text: "\u00d7",
          });
          remove.addEventListener("click", () => {
            state = Object.assign({}, state, { chain: state.chain.filter((s) => s !== step) });
            shown = PAGE;
            update();
            // Focus stays in the funnel: on the step that took this one's place, else the last one left.
            const buttons = ui.funnel.querySelectorAll("button.remove");
            if (buttons.length > 0) buttons[Math.min(k - 1, buttons.length - 1)].focus();
            else ui.walk.focus();
          });
          parts.push(remove);
        } else parts.push(el("span", { className: "remove-space" }));
        return el("li", { "data-step": k, "data-remaining": entry.remaining }, parts);
      });
      ui.funnel.replaceChildren(...items);
    }

    function renderRows() {
      const rows = result.rows;
      // A model opened from a link is shown even when it sits past the first page.
      for (const id of state.open) {
        const at = rows.indexOf(engine.indexOf(id));
        if (at >= shown) shown = Math.ceil((at + 1) / PAGE) * PAGE;
      }
      const sortBenchmark = state.sort.startsWith(BENCHMARK_SORT) ? state.sort.slice(BENCHMARK_SORT.length) : null;
      ui.scoreHeading.textContent = sortBenchmark ? sortBenchmark + " score" : "Benchmarks";
      const body = [];
      rows.slice(0, shown).forEach((i, position) => {
        const m = engine.models[i];
        const open = state.open.includes(m.id);
        const detailId = "detail-" + i;
        const button = el(
          "button",
          { type: "button", className: "open", "aria-expanded": open ? "true" : "false", "aria-controls": detailId, "data-position": position },
          [el("span", { className: "chevron", "aria-hidden": "true", text: open ? "\u25be" : "\u25b8" }), el("span", { className: "model-id", text: m.id })],
        );
        button.addEventListener("click", () => {
          const ids = state.open.includes(m.id) ? state.open.filter((x) => x !== m.id) : state.open.concat([m.id]);
          state = Object.assign({}, state, { open: ids });
          update();
          const again = ui.rows.querySelector('button[data-position="' + position + '"]');
          if (again) again.focus();
        });
        let score;
        if (sortBenchmark) {
          const b = engine.benchmarkOf(m, sortBenchmark);
          score = b ? b.text || "named, no number" : "\u2014";
        } else {
          score =
            m.benchmarks.length === 0
              ? "\u2014"
              : m.benchmarks
                  .map((b) => b.benchmark)
                  .slice(0, 3)
                  .join(", ") + (m.benchmarks.length > 3 ? " +" + (m.benchmarks.length - 3) : "");
        }
        body.push(
          el("tr", { className: open ? "model is-open" : "model", "data-id": m.id }, [
            el("td", { className: "num position", text: String(position + 1) }),
            el("td", { className: "model-cell" }, [button, el("div", { className: "sub", text: m.pipelineTag || "no pipeline tag" })]),
            el("td", { text: m.activities.join(", ") }),
            el("td", {}, [
              el("div", { text: m.licenses.map((l) => l.id).join(", ") || "none declared" }),
              el("div", { className: "sub", text: m.licenceGroups.join(", ") }),
            ]),
            el("td", { className: "num", text: number(m.downloads) }),
            el("td", { className: "num", text: number(m.likes) }),
            el("td", { text: m.reportsEnergy ? "yes" : "\u2014" }),
            el("td", { text: score }),
          ]),
        );
        if (open) body.push(el("tr", { className: "detail-row", id: detailId }, [el("td", { colspan: 8 }, [detailOf(m)])]));
      });
      if (rows.length === 0)
        body.push(
          el("tr", {}, [
            el("td", { colspan: 8, className: "empty", text: "No model matches every step. Remove a step of the chain above, or clear all filters." }),
          ]),
        );
      ui.rows.replaceChildren(...body);
      const visible = Math.min(shown, rows.length);
      ui.status.textContent =
        number(rows.length) +
        " of " +
        number(engine.models.length) +
        " SE models match" +
        (rows.length > visible ? "; showing the first " + number(visible) : "") +
        ".";
      ui.more.hidden = rows.length <= shown;
      ui.more.textContent = "Show " + Math.min(PAGE, rows.length - shown) + " more (" + number(rows.length - shown) + " not shown)";
      ui.exportCsv.textContent = "Export these " + number(rows.length) + " models as CSV";
      ui.exportCsv.disabled = rows.length === 0;
    }

    function detailOf(m) {
      const facts = [
        ["Activities", m.activities.map((a) => a + " (" + engine.activityName(a) + ")").join(", ") || "none known"],
        ["Tasks", m.tasks.map(engine.taskName).join(", ") || "none listed"],
        ["Pipeline tag", m.pipelineTag || "none"],
        ["Languages", m.languages.join(", ") || "none declared"],
        ["Programming languages", m.programmingLanguages.map(engine.languageName).join(", ") || "none found"],
        ["Licence", m.licenses.map((l) => l.id + " (" + l.family + ")").join(", ") || "none declared"],
        ["Base model", m.baseModels.join(", ") || "none declared"],
        ["Downloads", number(m.downloads)],
        ["Likes", number(m.likes)],
        ["Energy use", m.reportsEnergy ? "reported (co2_eq_emissions metadata, or an energy section with a figure)" : "not reported"],
        ["Scores in metadata", String(m.scoresInMetadata) + " model-index rows"],
        ["Paper's ranking", "#" + m.rank + " of " + number(engine.models.length)],
      ];
      const list = el("dl", { className: "facts" });
      for (const [name, value] of facts) list.append(el("dt", { text: name }), el("dd", { text: value }));

      const link = el("a", { href: hubUrl(m.id), rel: "noopener noreferrer", referrerpolicy: "no-referrer", text: m.id + " on the Hugging Face Hub" });
      const left = [el("p", {}, [link]), list];
      if (!m.inCorpus) left.unshift(el("p", { className: "warn", text: "This model is not in the corpus, so its facts are unknown." }));
      if (m.benchmarks.length > 0) {
        const rows = m.benchmarks.map((b) =>
          el("tr", {}, [el("td", { text: b.benchmark }), el("td", { className: "num", text: b.text || "no number" }), el("td", { text: b.metric || "" })]),
        );
        left.push(
          el("table", { className: "benchmarks" }, [
            el("caption", { text: "Benchmarks in the card's tables (as printed)" }),
            el("thead", {}, [
              el("tr", {}, [
                el("th", { scope: "col", text: "Benchmark" }),
                el("th", { scope: "col", text: "Score" }),
                el("th", { scope: "col", text: "Metric" }),
              ]),
            ]),
            el("tbody", {}, rows),
          ]),
        );
      } else left.push(el("p", { className: "sub", text: "The card reports no benchmark in a table." }));

      const ev = m.evidence;
      const why = [el("h3", { text: "Why is this model here?" })];
      why.push(el("h4", { text: "Matched tasks" }));
      if (ev.matches.length === 0) why.push(el("p", { className: "sub", text: "No kept occurrence is recorded in the run's match table." }));
      else {
        const items = ev.matches.map((x) => {
          const where = data.matchWhere === "provenance" && x.provenance ? x.provenance : x.source + " \u00b7 " + x.field;
          return el("li", {}, [
            el("strong", { text: x.task }),
            " (" + x.activity + ") in ",
            el("code", { text: where }),
            el("div", { className: "context" }, ["\u2026" + oneLine(x.before), el("mark", { text: oneLine(x.raw) }), oneLine(x.after) + "\u2026"]),
          ]);
        });
        why.push(el("ul", { className: "matches" }, items));
        if (ev.moreMatches > 0) why.push(el("p", { className: "sub", text: "and " + ev.moreMatches + " more kept occurrences." }));
      }
      if (ev.excluded.length > 0) {
        why.push(
          el("p", {
            className: "sub",
            text: "Occurrences the outlier rules removed: " + ev.excluded.map((e) => e.rule + " \u00d7" + e.occurrences).join(", ") + ".",
          }),
        );
      }
      why.push(el("h4", { text: "Kept by" }));
      if (ev.verdicts.length === 0) why.push(el("p", { className: "sub", text: "No relevance verdict is recorded for this model in the run." }));
      else {
        const rows = ev.verdicts.map((v) =>
          el("tr", {}, [
            el("td", { text: v.activity }),
            el("td", {
              className: v.relevant === true ? "yes" : v.relevant === false ? "no" : "",
              text: v.relevant === true ? "relevant" : v.relevant === false ? "not relevant" : "no verdict: " + (v.error || "error"),
            }),
            el("td", { text: v.judge }),
            el("td", { text: v.rationale }),
          ]),
        );
        why.push(
          el("table", { className: "verdicts" }, [
            el("thead", {}, [
              el(
                "tr",
                {},
                ["Activity", "Verdict", "Judge", "Rationale"].map((h) => el("th", { scope: "col", text: h })),
              ),
            ]),
            el("tbody", {}, rows),
          ]),
        );
      }
      why.push(el("h4", { text: "Near-identical variants" }));
      if (ev.variants.length === 0) why.push(el("p", { className: "sub", text: "No near-identical card was folded into this one." }));
      else {
        why.push(el("p", { className: "sub", text: "Cards the near-identical check dropped in favour of this one:" }));
        why.push(
          el(
            "ul",
            { className: "variants" },
            ev.variants.map((v) =>
              el("li", {}, [
                el("a", { href: hubUrl(v.id), rel: "noopener noreferrer", referrerpolicy: "no-referrer", text: v.id }),
                " (similarity " + v.similarity.toFixed(3) + ")",
              ]),
            ),
          ),
        );
        if (ev.moreVariants > 0) why.push(el("p", { className: "sub", text: "and " + ev.moreVariants + " more." }));
      }
      return el("div", { className: "detail" }, [el("div", { className: "detail-facts" }, left), el("div", { className: "detail-why" }, why)]);
    }

    showIgnored(parsed.ignored);
    update();
    stats.ready = true;
    return { engine, stats };
  }

  return { FACETS, PAGE, createEngine, parseState, formatState, toggleValue, withText, csvCell, selectionCsv, hubUrl, startPage };
});
