import { defineConfig } from 'vitest/config';

/** Tests that need no Prism, no build and no child process: the inner loop (`npm run test:unit`, `npm run test:watch`). */
const unit = ['test/unit/**/*.test.ts', 'test/structure/**/*.test.ts'];
/**
 * Tests that measure this process's own memory mid-request: they get a process of their own, where
 * nothing left running by an earlier file in a shared worker can allocate while they measure (a
 * full run saw 46 MB "live" mid-upload where the file alone sees 7–13 MB).
 */
const ownProcess = ['test/runtime/files-from-disk.test.ts', 'test/property/error-answers.test.ts'];

export default defineConfig({
  test: {
    testTimeout: 20_000,
    hookTimeout: 60_000,
    // vitest's default on 2 cores is one worker; most files wait on sockets, Prism or child
    // processes, so four overlap well (npm test: ~108 s of vitest with one, ~52 s with four).
    maxWorkers: 4,
    // A worker keeps the modules it has loaded from one file to the next instead of loading vitest,
    // the client and their dependencies again for each of the 62 files (~20 s of CPU in npm test).
    // Tests restore what they change (stubbed globals and env, listeners), so no file sees another's.
    isolate: false,
    projects: [
      { extends: true, test: { name: 'unit', include: unit } },
      { extends: true, test: { name: 'own-process', include: ownProcess, isolate: true } },
      {
        extends: true,
        test: {
          name: 'integration',
          include: ['test/**/*.test.ts'],
          exclude: [...unit, ...ownProcess],
          // One Prism process for these files: started, waited on, provided to tests, always stopped.
          globalSetup: ['test/setup/prism.ts'],
          // test/types/*.test-d.ts are checked by `npm run typecheck` (tsconfig.json includes test/):
          // vitest's own typecheck ran tsc a second time and printed an "experimental feature" warning.
        },
      },
    ],
  },
});
