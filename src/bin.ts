#!/usr/bin/env node
import { main } from './cli.js';

process.exitCode = await main(
  process.argv.slice(2),
  process.env,
  (text) => process.stdout.write(`${text}\n`),
  (text) => process.stderr.write(`${text}\n`)
);
