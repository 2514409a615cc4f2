#!/usr/bin/env node
// The background process of `microcloud lab up --detach`: the same lab, run in the foreground of a
// detached process whose output goes to DIR/lab.log. Arguments are those of `lab up`.
import { labCommand } from './cli.js';

labCommand(process.argv.slice(2)).then(
  (code) => process.exit(code),
  (err: unknown) => {
    process.stderr.write(`microcloud lab: error: ${err instanceof Error ? err.message : String(err)}\n`);
    process.exit(1);
  },
);
