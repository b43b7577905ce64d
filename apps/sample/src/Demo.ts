/**
 * `pnpm demo`: starts the gateway on the embedded simulator (with a fresh SQLite database in a temporary
 * folder), sends one message down each fallback path through the HTTP API, waits for every outcome, prints
 * each timeline as a table and checks that each path ended where it should.
 *
 * | case | recipient | what the simulator does | expected |
 * |---|---|---|---|
 * | WhatsApp read | +447911123456 | WhatsApp: read | read by whatsapp |
 * | WhatsApp undeliverable → Viber | +447911123100 | WhatsApp: undeliverable; Viber: read | delivered by viber (the step waits for delivered) |
 * | Viber silent → SMS (Vonage) | +447911123200 | WhatsApp: undeliverable; Viber: no receipt | delivered by sms.vonage |
 * | Viber silent → SMS (KPN, Dutch mobile) | +31612340200 | WhatsApp: undeliverable; Viber: no receipt | delivered by sms.kpn |
 * | an image SMS cannot carry → skipped | +31612345678 | (SMS skipped before any I/O); WhatsApp: read | read by whatsapp |
 *
 * @example
 * ```ts
 * import { Demo } from "@switchboard/sample/Demo"
 * import { Effect } from "effect"
 *
 * const ok = Effect.runPromise(Demo.run) // true when every case ended as expected
 * ```
 *
 * @since 0.1.0
 */
import type * as HttpClient from "@effect/platform/HttpClient"
import * as HttpApiClient from "@effect/platform/HttpApiClient"
import * as Route from "@switchboard/router/Route"
import * as ConfigProvider from "effect/ConfigProvider"
import * as Console from "effect/Console"
import * as Context from "effect/Context"
import * as Effect from "effect/Effect"
import * as Layer from "effect/Layer"
import * as fs from "node:fs"
import * as os from "node:os"
import * as path from "node:path"
import * as Api from "./Api.js"
import { awaitOutcome } from "./Cli.js"
import * as Server from "./Server.js"
import * as Table from "./Table.js"

/**
 * One scripted message and how it should end.
 *
 * @since 0.1.0
 * @category models
 */
export interface Case {
  readonly title: string
  readonly request: Api.SendRequest
  readonly expect: { readonly status: string; readonly channel: string; readonly events: ReadonlyArray<string> }
}

/**
 * The demo's messages.
 *
 * @since 0.1.0
 * @category constants
 */
export const cases: ReadonlyArray<Case> = [
  {
    title: "1. WhatsApp, read",
    request: new Api.SendRequest({ to: "+447911123456", content: { type: "text", text: "Your parcel arrives today" } }),
    expect: { status: "read", channel: "whatsapp", events: [] }
  },
  {
    title: "2. WhatsApp undeliverable → Viber",
    request: new Api.SendRequest({ to: "+447911123100", content: { type: "text", text: "Your parcel arrives today" } }),
    expect: { status: "delivered", channel: "viber", events: ["Fallback"] }
  },
  {
    title: "3. Viber without a receipt in time → SMS through Vonage (not a Dutch mobile)",
    request: new Api.SendRequest({ to: "+447911123200", content: { type: "text", text: "Your parcel arrives today" } }),
    expect: { status: "delivered", channel: "sms.vonage", events: ["DeadlineExpired", "StepSkipped"] }
  },
  {
    title: "4. Viber without a receipt in time → SMS through KPN (a Dutch mobile)",
    request: new Api.SendRequest({ to: "+31612340200", content: { type: "text", text: "Je pakket komt vandaag" } }),
    expect: { status: "delivered", channel: "sms.kpn", events: ["DeadlineExpired"] }
  },
  {
    title: "5. An image to a channel that cannot carry it → skipped (inline route: SMS, then WhatsApp)",
    request: new Api.SendRequest({
      to: "+31612345678",
      content: { type: "image", url: "https://example.com/parcel.jpg", caption: "Your parcel" },
      route: Route.make([
        { channel: "sms.kpn", successOn: "delivered", within: "1 minute" },
        { channel: "whatsapp", successOn: "read", within: "30 seconds" }
      ], { name: "sms-then-whatsapp" })
    }),
    expect: { status: "read", channel: "whatsapp", events: ["StepSkipped"] }
  }
]

/**
 * What went wrong with a case, or `undefined` when it ended as expected.
 *
 * @since 0.1.0
 * @category checks
 */
export const check = (c: Case, view: Api.MessageView): string | undefined => {
  const channel = view.outcome?.channel
  if (view.status !== c.expect.status || channel !== c.expect.channel) {
    return `expected ${c.expect.status} by ${c.expect.channel}, got ${view.status} by ${channel ?? "no channel"}`
  }
  const kinds = new Set(view.timeline.map((e) => e.kind))
  const missing = c.expect.events.filter((kind) => !kinds.has(kind))
  return missing.length === 0 ? undefined : `the timeline has no ${missing.join(", ")} event`
}

/**
 * Sends every case to the gateway at `baseUrl` and waits for their outcomes.
 *
 * @since 0.1.0
 * @category running
 */
export const sendAll = (baseUrl: string) =>
  Effect.gen(function*() {
    const api = yield* HttpApiClient.make(Api.Api, { baseUrl })
    return yield* Effect.forEach(cases, (c) =>
      Effect.gen(function*() {
        const accepted = yield* api.messages.send({ headers: {}, payload: c.request })
        const view = yield* awaitOutcome(api, accepted.id)
        return { case: c, view, problem: check(c, view) }
      }), { concurrency: "unbounded" })
  })

/**
 * The whole demo: returns whether every case ended as expected.
 *
 * @since 0.1.0
 * @category running
 */
export const run: Effect.Effect<boolean, unknown, HttpClient.HttpClient> = Effect.scoped(Effect.gen(function*() {
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), "switchboard-demo-"))
  yield* Effect.addFinalizer(() => Effect.sync(() => fs.rmSync(dataDir, { recursive: true, force: true })))
  const current = yield* Effect.configProviderWith(Effect.succeed)
  const overrides = new Map([["PORT", "0"], ["SWITCHBOARD_DATA_DIR", dataDir], ["SWITCHBOARD_PROVIDERS", "simulator"]])
  const info = Context.get(
    yield* Layer.build(Server.layer).pipe(
      Effect.withConfigProvider(ConfigProvider.fromMap(overrides).pipe(ConfigProvider.orElse(() => current)))
    ),
    Server.Running
  )
  yield* Console.log(`Switchboard demo: the gateway runs on ${info.url} with the embedded simulator at ${info.simulator?.baseUrl}`)
  yield* Console.log(`Sending ${cases.length} messages through POST /messages; the slowest waits out a 5-second Viber deadline…\n`)
  const results = yield* sendAll(info.url)
  for (const result of results) {
    yield* Console.log(`${result.case.title}\n${Table.timeline(result.view)}\n`)
  }
  yield* Console.log(Table.render(
    ["case", "result"],
    results.map((r) => [r.case.title, r.problem === undefined ? `ok: ${r.view.status} by ${r.view.outcome?.channel}` : `FAILED: ${r.problem}`])
  ))
  const ok = results.every((r) => r.problem === undefined)
  yield* Console.log(ok
    ? "\nEvery path ended as expected. Try it yourself: pnpm start, then open the dashboard it prints."
    : "\nSome paths did not end as expected.")
  return ok
}))
