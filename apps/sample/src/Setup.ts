/**
 * `pnpm switchboard setup`: tells the providers where this gateway's webhooks are.
 *
 * 1. **The Messages application** (WhatsApp, Viber status and inbound webhooks): finds the Vonage application
 *    named `SWITCHBOARD_APPLICATION_NAME` (default `switchboard`) through the Applications API and updates its
 *    status and inbound URLs, or creates it. A private key Vonage generates is written to
 *    `SWITCHBOARD_DATA_DIR/vonage-application-<id>.key` (mode 600), never printed.
 * 2. **The inbound SMS number** `SWITCHBOARD_SMS_NUMBER`, through KPN's gateway (`VONAGE_SMS_MODE=kpn`:
 *    `/register`); Vonage direct numbers are set in the Vonage dashboard.
 * 3. **Delivery receipts** need no registration: Vonage SMS gets `callback` and KPN SMS `webhook_url` with
 *    every message.
 *
 * Against the simulator (the default), it talks to the simulator of the running gateway (`GET /health`
 * says where) with the demo accounts. The simulator does not simulate the Applications API, so step 1 is
 * reported as skipped there; the running gateway registered its webhooks with its simulator when it started.
 *
 * @example
 * ```ts
 * import { Setup } from "@switchboard/sample/Setup"
 * import { Effect } from "effect"
 *
 * const steps = Setup.run({ publicUrl: "https://gateway.example.com", simulator: false })
 * ```
 *
 * @since 0.1.0
 */
import type * as HttpClient from "@effect/platform/HttpClient"
import { Applications } from "@switchboard/vonage-messages"
import { VonageSmsClient } from "@switchboard/vonage-sms"
import * as Config from "effect/Config"
import * as Context from "effect/Context"
import * as Effect from "effect/Effect"
import * as Layer from "effect/Layer"
import * as Option from "effect/Option"
import * as Redacted from "effect/Redacted"
import * as fs from "node:fs"
import * as path from "node:path"
import * as AppConfig from "./AppConfig.js"
import { webhookPaths } from "./Providers.js"

/**
 * @since 0.1.0
 * @category models
 */
export interface Step {
  readonly what: string
  readonly result: "done" | "skipped" | "failed"
  readonly detail: string
}

const describe = (error: unknown): string =>
  error !== null && typeof error === "object" && "message" in error ? String(error.message) : String(error)

/**
 * Registers the gateway at `publicUrl` with the providers configured in the current `ConfigProvider`.
 *
 * @since 0.1.0
 * @category setup
 */
export const run = (options: {
  readonly publicUrl: string
  readonly simulator: boolean
}): Effect.Effect<ReadonlyArray<Step>, never, HttpClient.HttpClient> =>
  Effect.gen(function*() {
    const steps: Array<Step> = []
    const statusUrl = `${options.publicUrl}${webhookPaths.vonageMessagesStatus}`
    const inboundUrl = `${options.publicUrl}${webhookPaths.vonageMessagesInbound}`
    const name = yield* Config.string("SWITCHBOARD_APPLICATION_NAME").pipe(Config.withDefault("switchboard"), Effect.orDie)
    const dataDir = yield* Effect.orDie(AppConfig.dataDir)

    // 1. the Messages application
    const application = yield* Effect.scoped(Effect.gen(function*() {
      const context = yield* Layer.build(Applications.layerConfig)
      const api = Context.get(context, Applications.Applications)
      const input = { name, statusUrl, inboundUrl }
      const page = yield* api.list({ pageSize: 100 })
      const existing = page.applications.find((app) => app.name === name)
      if (existing !== undefined) {
        yield* api.update(existing.id, input)
        return { what: "Messages application", result: "done", detail: `updated "${name}" (${existing.id}): status ${statusUrl}, inbound ${inboundUrl}` } satisfies Step
      }
      const created = yield* api.create(input)
      let keyNote = ""
      if (created.privateKey !== undefined) {
        const file = path.resolve(dataDir, `vonage-application-${created.id}.key`)
        fs.mkdirSync(dataDir, { recursive: true })
        fs.writeFileSync(file, Redacted.value(created.privateKey), { mode: 0o600 })
        keyNote = `; its private key is in ${file} (set VONAGE_APPLICATION_ID=${created.id} and VONAGE_PRIVATE_KEY from it)`
      }
      return { what: "Messages application", result: "done", detail: `created "${name}" (${created.id})${keyNote}` } satisfies Step
    })).pipe(
      Effect.catchAll((error): Effect.Effect<Step> =>
        Effect.succeed(
          options.simulator && typeof error === "object" && error !== null && "reason" in error && error.reason === "NotFound"
            ? { what: "Messages application", result: "skipped", detail: "the simulator does not simulate the Applications API; the gateway registered its Messages webhooks with its simulator when it started" }
            : { what: "Messages application", result: "failed", detail: describe(error) }
        ))
    )
    steps.push(application)

    // 2. the inbound SMS number
    const number = yield* Config.option(Config.string("SWITCHBOARD_SMS_NUMBER")).pipe(Effect.orDie)
    const smsInbound = `${options.publicUrl}${webhookPaths.vonageSmsInbound}`
    if (Option.isNone(number)) {
      steps.push({ what: "Inbound SMS number", result: "skipped", detail: `set SWITCHBOARD_SMS_NUMBER to register ${smsInbound}` })
    } else {
      const step = yield* Effect.scoped(Effect.gen(function*() {
        const client = Context.get(yield* Layer.build(VonageSmsClient.layerConfig), VonageSmsClient.VonageSmsClient)
        if (client.mode !== "kpn") {
          return { what: "Inbound SMS number", result: "skipped", detail: `Vonage direct: set the inbound webhook of ${number.value} to ${smsInbound} in the Vonage dashboard` } satisfies Step
        }
        yield* client.register({ to: number.value, callbackUrl: smsInbound })
        return { what: "Inbound SMS number", result: "done", detail: `registered ${smsInbound} for ${number.value} through KPN` } satisfies Step
      })).pipe(Effect.catchAll((error) => Effect.succeed<Step>({ what: "Inbound SMS number", result: "failed", detail: describe(error) })))
      steps.push(step)
    }

    // 3. delivery receipts
    const kpnDlr = yield* Config.string("KPN_SMS_WEBHOOK_URL").pipe(
      Config.withDefault(`${options.publicUrl}${webhookPaths.kpnSmsDlr}`),
      Effect.orDie
    )
    steps.push({
      what: "Delivery receipts",
      result: "done",
      detail: `sent with every message: Vonage SMS callback ${options.publicUrl}${webhookPaths.vonageSmsDlr}, KPN SMS webhook_url ${kpnDlr}; KPN inbound SMS: set ${options.publicUrl}${webhookPaths.kpnSmsInbound} in KPN's API Store`
    })
    return steps
  })
