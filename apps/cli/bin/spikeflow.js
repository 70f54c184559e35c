#!/usr/bin/env node
// Launcher kept outside dist/ so package managers can link the bin before the first build.
import { main } from '../dist/cli.js';

main(process.argv.slice(2)).then((code) => {
  process.exitCode = code;
});
