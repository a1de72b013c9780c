import tseslint from "typescript-eslint";

export default tseslint.config(
  { ignores: ["node_modules/**", "coverage/**", "dist/**"] },
  ...tseslint.configs.recommended,
  {
    rules: {
      "@typescript-eslint/no-unused-vars": ["error", { argsIgnorePattern: "^_", varsIgnorePattern: "^_" }],
      "no-constant-condition": ["error", { checkLoops: false }],
    },
  },
  {
    files: ["src/kernel/**/*.ts", "src/abi/**/*.ts", "src/machine/**/*.ts"],
    rules: { "@typescript-eslint/no-explicit-any": "error" },
  },
  {
    // Privilege boundary: user-level code reaches the kernel only through system calls.
    files: ["src/user/**/*.ts", "examples/**/*.ts"],
    rules: {
      "no-restricted-imports": [
        "error",
        { patterns: ["**/kernel/**", "**/system/**", "**/cli/**", "node:*"] },
      ],
    },
  },
  {
    // No Node-only code below src/cli: the playground (web/) runs all of it in a browser.
    files: ["src/{abi,capdl,microkit,system,viz}/**/*.ts", "web/src/**/*.ts"],
    rules: {
      "no-restricted-imports": ["error", { patterns: ["node:*", "**/cli/**"] }],
    },
  },
  {
    files: ["src/kernel/**/*.ts"],
    rules: {
      "no-restricted-imports": ["error", { patterns: ["**/user/**", "**/cli/**", "**/system/**", "node:*"] }],
      "no-restricted-globals": ["error", "Date", "setTimeout", "setInterval", "performance", "console"],
    },
  },
  {
    files: ["src/machine/**/*.ts"],
    rules: {
      "no-restricted-imports": ["error", { patterns: ["**/kernel/**", "**/user/**", "**/cli/**", "node:*"] }],
      "no-restricted-globals": ["error", "Date", "setTimeout", "setInterval", "performance", "console"],
    },
  },
);
