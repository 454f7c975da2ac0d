// Only the rules that catch a forgotten await: the domain is async, and a promise nobody awaits
// (a seat taken, a transaction committed) fails silently. Formatting is prettier's job.
import tseslint from 'typescript-eslint';

export default tseslint.config(
  { ignores: ['node_modules/**', 'coverage/**', 'dist/**', '**/*.js', '**/*.mjs', '**/*.cjs', 'drizzle.config*.ts'] },
  {
    files: ['**/*.ts'],
    languageOptions: {
      parser: tseslint.parser,
      parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname },
    },
    plugins: { '@typescript-eslint': tseslint.plugin },
    rules: {
      '@typescript-eslint/no-floating-promises': 'error',
      '@typescript-eslint/no-misused-promises': 'error',
      // a promise returned from inside try escapes its catch and finally
      '@typescript-eslint/return-await': ['error', 'in-try-catch'],
    },
  },
);
