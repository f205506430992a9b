import { defineConfig } from 'vitest/config'

const SCALE = 'test/groups-scale.spec.ts'

export default defineConfig({
  test: {
    setupFiles: ['./packages/node/src/polyfill.ts'],
    testTimeout: 60_000,
    hookTimeout: 60_000,
    pool: 'forks',
    fileParallelism: true,
    maxWorkers: 2,
    projects: [
      {
        extends: true,
        test: { name: 'kith', sequence: { groupOrder: 0 }, include: ['packages/*/src/**/*.spec.ts', 'test/**/*.spec.ts'], exclude: [SCALE] }
      },
      {
        // fifteen real nodes in one process: run once everything else is done, so its budgets hold on two cores
        extends: true,
        test: { name: 'scale', include: [SCALE], sequence: { groupOrder: 1 } }
      }
    ]
  }
})
