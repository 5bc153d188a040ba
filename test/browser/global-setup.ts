// One folder per browser run for the harness's data-folder templates (harness.ts `freshDataDir`):
// a started Steward, demo or empty, copied for each test file instead of made again.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { TestProject } from 'vitest/node';

declare module 'vitest' {
  export interface ProvidedContext {
    browserTemplates: string;
  }
}

export default function setup(project: TestProject) {
  const dir = mkdtempSync(join(tmpdir(), 'steward-browser-templates-'));
  project.provide('browserTemplates', dir);
  return () => rmSync(dir, { recursive: true, force: true });
}
