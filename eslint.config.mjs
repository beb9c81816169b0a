// ESLint 9 flat config. `npm run lint`; part of `npm run check`.
// typescript-eslint's recommended set without type information, so a lint of
// the whole tree stays well under a minute on a 2-core machine.
import js from "@eslint/js";
import drizzle from "eslint-plugin-drizzle";
import reactHooks from "eslint-plugin-react-hooks";
import { defineConfig } from "eslint/config";
import tseslint from "typescript-eslint";

export default defineConfig(
  {
    ignores: [".next/**", ".next-*/**", "data/**", "node_modules/**", "drizzle/**", "next-env.d.ts", "test-results/**"],
  },
  js.configs.recommended,
  tseslint.configs.recommended,
  {
    // The tooling's own config files (.dependency-cruiser.cjs, this file) run in Node.
    files: ["**/*.cjs", "**/*.mjs"],
    languageOptions: { globals: { module: "writable", require: "readonly", process: "readonly", __dirname: "readonly" } },
    rules: { "@typescript-eslint/no-require-imports": "off" },
  },
  {
    files: ["**/*.ts", "**/*.tsx"],
    plugins: { drizzle },
    rules: {
      // `const { secret: _secret, ...rest } = row` drops a field on purpose.
      "@typescript-eslint/no-unused-vars": ["error", { ignoreRestSiblings: true, argsIgnorePattern: "^_", varsIgnorePattern: "^_" }],
      // Type-only imports say so: `import type { X }`, or `import { a, type X }` beside values.
      "@typescript-eslint/consistent-type-imports": ["error", { fixStyle: "inline-type-imports" }],
      // A delete or update without .where() touches every row of the table.
      "drizzle/enforce-delete-with-where": ["error", { drizzleObjectName: ["db", "tx"] }],
      "drizzle/enforce-update-with-where": ["error", { drizzleObjectName: ["db", "tx"] }],
    },
  },
  {
    // Components, and the hooks that live in their own files beside them.
    files: ["**/*.tsx", "app/**/use-*.ts"],
    ...reactHooks.configs.flat.recommended,
  },
);
