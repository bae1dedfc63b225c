import { readFileSync } from 'node:fs';

// The README's Inputs and Outputs tables name exactly what action.yml declares.
const actionYml = readFileSync(new URL('../action.yml', import.meta.url), 'utf8');
const readme = readFileSync(new URL('../README.md', import.meta.url), 'utf8');

function declared(section: 'inputs' | 'outputs'): string[] {
  const body = actionYml.split(new RegExp(`^${section}:\\n`, 'm'))[1]?.split(/^\S/m)[0] ?? '';
  return [...body.matchAll(/^ {2}([a-z-]+):$/gm)].map((m) => m[1] ?? '');
}

function documented(heading: string): string[] {
  const body = readme.split(`## ${heading}\n`)[1]?.split(/^## /m)[0] ?? '';
  return [...body.matchAll(/^\| `([a-z-]+)` \|/gm)].map((m) => m[1] ?? '');
}

test.each([
  ['inputs', 'Inputs'],
  ['outputs', 'Outputs']
] as const)('README %s table matches action.yml', (section, heading) => {
  expect(documented(heading)).toEqual(declared(section));
  expect(declared(section).length).toBeGreaterThan(5);
});

test("README's What happens when… names every request the fault suite covers", async () => {
  const { requestSpots, startScene } = await import('./helpers/faults.js');
  const section = readme.split('## What happens when…\n')[1]?.split(/^## /m)[0] ?? '';
  const documentedRequests = [...section.matchAll(/^\| `([^`]+)` \|/gm)].map((m) => m[1]);
  const generated = new Set<string>();
  const { PROVIDERS } = await import('./helpers/providers.js');
  for (const provider of PROVIDERS) {
    const scene = await startScene(provider);
    scene.world.github.clearLog();
    scene.world.sim.clearLog();
    expect((await scene.run()).code).toBe(0);
    for (const spot of requestSpots(provider, scene.world.github.requests, scene.world.sim.requests))
      generated.add(spot.label);
    await scene.world.close();
  }
  expect([...generated].sort()).toEqual([...new Set(documentedRequests)].sort());
});

test('every README link an error message gives points at a real heading', async () => {
  const { DOCS_SECTIONS } = await import('../src/docs.js');
  // GitHub's anchors: lower case, punctuation dropped, spaces to hyphens.
  const anchors = [...readme.matchAll(/^#{2,3} (.+)$/gm)].map((m) =>
    (m[1] ?? '')
      .toLowerCase()
      .replace(/[^\p{L}\p{N} _-]/gu, '')
      .replace(/ /g, '-')
  );
  expect(Object.values(DOCS_SECTIONS).filter((anchor) => !anchors.includes(anchor))).toEqual([]);
});
