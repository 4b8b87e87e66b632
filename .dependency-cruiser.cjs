/**
 * The layer order of src/ (docs/architecture.md): a folder may import only folders listed before it.
 * `npm run lint` and test/architecture.test.ts run this, so an upward import or a cycle fails CI.
 */
const LAYERS = [
  "util",
  "taxonomy",
  "paper",
  "corpus",
  "run",
  "collect",
  "demo",
  "prepare",
  "search",
  "signals",
  "filter",
  "judges",
  "validate",
  "evaluate",
  "analyse",
  "figures",
  "pipeline",
  "cli",
];

const upward = LAYERS.map((layer, index) => ({
  name: `layer-${layer}`,
  comment: `src/${layer} may import only: ${LAYERS.slice(0, index).join(", ") || "nothing else in src"}`,
  severity: "error",
  from: { path: `^src/${layer}/` },
  to: { path: `^src/(${LAYERS.slice(index + 1).join("|") || "$^"})/` },
}));

module.exports = {
  forbidden: [
    ...upward,
    {
      name: "no-circular",
      comment: "modules must not depend on each other in a cycle (type-only imports erase at build time and are allowed)",
      severity: "error",
      from: {},
      to: { circular: true, viaOnly: { dependencyTypesNot: ["type-only"] } },
    },
    {
      name: "library-stays-library",
      comment: "src/ never imports test doubles, benchmarks or scripts",
      severity: "error",
      from: { path: "^src/" },
      to: { path: "^(test|bench|scripts)/" },
    },
    {
      name: "known-layers-only",
      comment: "every folder of src/ has a place in the layer order",
      severity: "error",
      from: { path: "^src/" },
      to: { path: "^src/(?!(" + LAYERS.join("|") + ")/|index\\.ts$)" },
    },
  ],
  options: {
    doNotFollow: { path: "node_modules" },
    exclude: { path: "^(dist|node_modules|\\.cache|out)/" },
    tsPreCompilationDeps: true,
    tsConfig: { fileName: "tsconfig.json" },
  },
};
