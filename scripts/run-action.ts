import { spawn } from 'node:child_process';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export interface ActionRun {
  code: number | null;
  stdout: string;
  stderr: string;
  summary: string;
  outputsFile: string;
  outputs: Record<string, string>;
}

/** Reads the runner's GITHUB_OUTPUT file (`name<<DELIM\nvalue\nDELIM` entries). */
export function parseOutputs(text: string): Record<string, string> {
  const outputs: Record<string, string> = {};
  const lines = text.split('\n');
  for (let i = 0; i < lines.length; i++) {
    const match = /^([^<]+)<<(.+)$/.exec(lines[i] ?? '');
    if (!match) continue;
    const [, name = '', delimiter] = match;
    const value: string[] = [];
    for (i++; i < lines.length && lines[i] !== delimiter; i++) value.push(lines[i] ?? '');
    outputs[name] = value.join('\n');
  }
  return outputs;
}

/** Runs the bundled action as the runner does: INPUT_* variables, output and summary files. */
export async function runAction(
  inputs: Record<string, string>,
  env: Record<string, string> = {},
  entry = 'dist/index.js',
  /** Aborting it SIGKILLs the action, as a cancelled or crashed runner would. */
  signal?: AbortSignal
): Promise<ActionRun> {
  const dir = await mkdtemp(join(tmpdir(), 'ctr-'));
  const outputsPath = join(dir, 'output');
  const summaryPath = join(dir, 'summary');
  await Promise.all([writeFile(outputsPath, ''), writeFile(summaryPath, '')]);
  const inputEnv = Object.fromEntries(
    Object.entries(inputs).map(([name, value]) => [`INPUT_${name.toUpperCase()}`, value])
  );
  // CTR_NODE: the Node binary to run the bundle with (.ci/run sets it to Node 24); default ours.
  const child = spawn(process.env.CTR_NODE || process.execPath, [entry], {
    env: {
      PATH: process.env.PATH ?? '',
      GITHUB_OUTPUT: outputsPath,
      GITHUB_STEP_SUMMARY: summaryPath,
      GITHUB_REPOSITORY: 'octo/app',
      ...inputEnv,
      ...env
    },
    stdio: ['ignore', 'pipe', 'pipe'],
    signal,
    killSignal: 'SIGKILL'
  });
  child.on('error', () => undefined); // an abort is reported as an error; the exit code says it
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
  child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  const code = await new Promise<number | null>((resolve) => child.on('close', resolve));
  const [outputsFile, summary] = await Promise.all([
    readFile(outputsPath, 'utf8'),
    readFile(summaryPath, 'utf8')
  ]);
  await rm(dir, { recursive: true, force: true });
  return { code, stdout, stderr, summary, outputsFile, outputs: parseOutputs(outputsFile) };
}
