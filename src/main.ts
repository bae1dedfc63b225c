import * as core from '@actions/core';
import { execute } from './execute.js';

/** The GitHub Actions entry: the runner's inputs, outputs, log, job summary and exit status. */
export async function run(): Promise<void> {
  await execute({
    getInput: (name) => core.getInput(name),
    env: process.env,
    setSecret: core.setSecret,
    setOutput: core.setOutput,
    info: core.info,
    warning: core.warning,
    // Outside a runner there is no summary file; the log still has every message.
    summary: async (markdown) => {
      if (process.env.GITHUB_STEP_SUMMARY) await core.summary.addRaw(markdown).write();
    },
    fail: core.setFailed
  });
}
