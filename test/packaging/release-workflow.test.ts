/**
 * The release workflow, read as data: a failed command must fail its step on every runner (Windows'
 * default PowerShell checks only a step's last command), and the packaged app is smoke-tested on
 * every OS it is built for, not only Linux.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';

interface Step {
  name?: string;
  run?: string;
  shell?: string;
  if?: string;
}
interface Job {
  'runs-on': string;
  strategy?: { matrix?: { os?: string[] } };
  defaults?: { run?: { shell?: string } };
  steps: Step[];
}

const workflow = parse(readFileSync(path.resolve('.github/workflows/release.yml'), 'utf8')) as {
  jobs: Record<string, Job>;
};
const build = workflow.jobs.build!;

describe('release workflow', () => {
  it('builds on Windows, macOS and Linux', () => {
    expect(build.strategy?.matrix?.os).toEqual(
      expect.arrayContaining(['windows-latest', 'macos-latest', 'ubuntu-latest']),
    );
  });

  it('runs every multi-command step in bash, where a failed command fails the step', () => {
    const shellOf = (step: Step) => step.shell ?? build.defaults?.run?.shell ?? 'pwsh (on Windows)';
    const multi = build.steps.filter((s) => s.run && s.run.trim().split('\n').length > 1);
    expect(multi.map((s) => s.name)).toContain('Build main process, settings window and notices');
    for (const step of multi)
      expect({ step: step.name, shell: shellOf(step) }).toEqual({ step: step.name, shell: 'bash' });
  });

  it('smoke-tests the packaged app on every OS, the installed .deb on Linux', () => {
    const smoke = build.steps.filter((s) => s.run?.includes('test/packaging/packaged-app.smoke.ts'));
    expect(smoke).toHaveLength(1);
    expect(smoke[0]!.if).toBeUndefined();
    for (const os of ['Linux)', 'Windows)', 'macOS)']) expect(smoke[0]!.run).toContain(os);
    expect(smoke[0]!.run).toContain('/opt/Keybridge/keybridge');
    expect(build.steps.some((s) => s.run?.includes('./release/*.deb'))).toBe(true);
  });
});
