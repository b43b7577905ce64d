// `pnpm demo`'s script against a gateway on the simulator: every case ends where the demo says it does, and the
// CLI's status table shows it.
import { assert, layer } from "@effect/vitest"
import * as NodeHttpClient from "@effect/platform-node/NodeHttpClient"
import * as Effect from "effect/Effect"
import * as Demo from "../src/Demo.js"
import * as Table from "../src/Table.js"
import * as Support from "./support.js"

layer(Support.layer(), { excludeTestServices: true, timeout: "120 seconds" })("demo", (it) => {
  it.effect("every scripted path ends as expected", () =>
    Effect.gen(function*() {
      const { url } = yield* Support.Gateway
      const results = yield* Demo.sendAll(url).pipe(Effect.provide(NodeHttpClient.layerUndici))
      assert.strictEqual(results.length, Demo.cases.length)
      for (const result of results) {
        assert.isUndefined(result.problem, `${result.case.title}: ${result.problem}`)
        const table = Table.timeline(result.view)
        assert.include(table, result.view.id)
        assert.match(table, /time\s+step\s+channel\s+event\s+details/)
        assert.include(table, "Outcome")
      }
    }))
})
