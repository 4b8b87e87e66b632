/**
 * The run directory and its contracts (docs/architecture.md, "Run directory"): where every file lives
 * (layout.ts), the stage tables' declarations (tables.ts), their typed readers and writers (files.ts)
 * and the run description (run-info.ts). A low layer: it imports only util, taxonomy and corpus.
 */
export * from "./layout";
export * from "./tables";
export * from "./files";
export * from "./run-info";
