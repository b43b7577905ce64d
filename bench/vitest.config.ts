import { mergeConfig } from "vitest/config"
import { shared } from "../vitest.shared.js"

export default mergeConfig(shared, {
  test: {
    // the smoke run starts real processes (simulator, clients, router) on a busy 2-core machine
    testTimeout: 120_000,
    hookTimeout: 60_000
  }
})
