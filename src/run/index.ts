/**
 * The run directory and its contracts (docs/architecture.md, "Run directory"): where every file lives
 * (layout.ts), the stage tables' declarations (tables.ts, funnel-table.ts), their typed readers and
 * writers (files.ts) and the run description (run-info.ts). A low layer: it imports only util,
 * taxonomy, corpus and the paper's numbers.
 */
export * from "./layout";
export * from "./tables";
export * from "./funnel-table";
export * from "./files";
export * from "./run-info";
