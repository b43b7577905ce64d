// The dashboard in headless Chromium (Debian's `chromium` package, driven by playwright-core): send a message
// from the form and watch its timeline fill in through the server-sent events.
import { assert, layer } from "@effect/vitest"
import * as Effect from "effect/Effect"
import * as fs from "node:fs"
import * as os from "node:os"
import * as path from "node:path"
import { chromium } from "playwright-core"
import { describe, it as vitestIt } from "vitest"
import * as Support from "./support.js"

const executablePath = "/usr/bin/chromium"
const hasChromium = fs.existsSync(executablePath)

if (!hasChromium) {
  describe("dashboard in headless Chromium", () => {
    vitestIt.skip(`skipped: ${executablePath} is missing (install Debian's chromium package: apt-get install -y chromium)`, () => {})
  })
} else {
  layer(Support.layer(), { excludeTestServices: true, timeout: "120 seconds" })("dashboard in headless Chromium", (it) => {
    it.effect("sends a message from the form and shows its timeline filling in live", () =>
      Effect.gen(function*() {
        const { url } = yield* Support.Gateway
        const profile = yield* Effect.acquireRelease(
          Effect.sync(() => fs.mkdtempSync(path.join(os.tmpdir(), "switchboard-chromium-"))),
          (dir) => Effect.sync(() => fs.rmSync(dir, { recursive: true, force: true }))
        )
        const browser = yield* Effect.acquireRelease(
          Effect.promise(() =>
            // a fresh profile folder (--user-data-dir), as launchPersistentContext takes it
            chromium.launchPersistentContext(profile, {
              executablePath,
              headless: true,
              args: [
                "--headless",
                "--no-sandbox",
                "--disable-gpu",
                "--disable-quic",
                "--no-first-run",
                "--disable-background-networking",
                "--disable-component-update",
                "--disable-sync"
              ]
            })
          ),
          (browser) => Effect.promise(() => browser.close())
        )
        const page = yield* Effect.promise(() => browser.newPage())
        const errors: Array<string> = []
        page.on("pageerror", (error) => errors.push(error.message))
        yield* Effect.promise(async () => {
          await page.goto(`${url}/`)
          await page.getByText("Live updates: on").waitFor({ timeout: 30_000 })
          // landmarks and labels: the form is usable by its labels alone
          assert.strictEqual(await page.locator("main").count(), 1)
          assert.strictEqual(await page.locator("header").count(), 1)
          await page.getByLabel("Recipient phone number").fill("+447911123100")
          await page.getByLabel("Text").fill("Hello from the browser test")
          assert.strictEqual(await page.getByLabel("Route").inputValue(), "default")
          // keyboard: submit with Enter from the phone field
          await page.getByLabel("Recipient phone number").press("Enter")
          await page.getByRole("status").filter({ hasText: "Accepted as" }).waitFor({ timeout: 30_000 })
          // the timeline fills in as webhooks arrive: the first attempt, the fallback, then the outcome
          await page.locator("#timeline tbody tr[data-kind=Attempt]").first().waitFor({ timeout: 60_000 })
          await page.locator("#timeline tbody tr[data-kind=Fallback]").waitFor({ timeout: 60_000 })
          await page.locator("#timeline tbody tr[data-kind=Outcome]").waitFor({ timeout: 60_000 })
        })
        const kinds = yield* Effect.promise(() =>
          page.locator("#timeline tbody tr").evaluateAll((rows) => rows.map((row) => row.getAttribute("data-kind")))
        )
        assert.strictEqual(kinds[0], "Accepted")
        // (a read receipt may still arrive after the outcome: it is shown too)
        assert.includeMembers(kinds, ["Attempt", "Receipt", "Status", "Fallback", "Outcome"])
        assert.isBelow(kinds.indexOf("Fallback"), kinds.indexOf("Outcome"))
        const summary = yield* Effect.promise(() => page.locator("#timeline-summary").textContent())
        assert.match(summary ?? "", /delivered by viber/)
        const row = yield* Effect.promise(() => page.locator("#messages tbody tr").first().getAttribute("data-status"))
        assert.strictEqual(row, "delivered")
        assert.deepStrictEqual(errors, [])
        yield* Effect.promise(() => page.screenshot({ path: path.join(os.tmpdir(), "switchboard-dashboard.png"), fullPage: true }))
      }).pipe(Effect.scoped))
  })
}
