'use strict';
// A stand-in for the wa-lint executable (run as `node fake-wa-lint.js <args>`), so the plugin's
// tests need neither Python nor wa-lint: it records its arguments and answers as told by
// FAKE_WA_LINT_* variables (the report to print, a standard error text, an exit status).
const fs = require('fs');

const env = process.env;
if (env.FAKE_WA_LINT_ARGV) fs.writeFileSync(env.FAKE_WA_LINT_ARGV, JSON.stringify(process.argv.slice(2)));
if (env.FAKE_WA_LINT_STDOUT) process.stdout.write(fs.readFileSync(env.FAKE_WA_LINT_STDOUT));
if (env.FAKE_WA_LINT_STDERR) process.stderr.write(env.FAKE_WA_LINT_STDERR);
process.exitCode = Number(env.FAKE_WA_LINT_STATUS || 0);
