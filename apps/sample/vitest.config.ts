import { mergeConfig } from "vitest/config"
import { shared } from "../../vitest.shared.js"

export default mergeConfig(shared, {
  test: {
    // the end-to-end tests start the gateway, its simulator and (for the dashboard) a browser
    testTimeout: 120_000,
    hookTimeout: 120_000
  }
})
