/**
 * The simulator mode (`SWITCHBOARD_PROVIDERS=simulator`, the default): starts `@switchboard/simulator` in
 * this process, loads its scenario (the app's `scenario.json` unless `SWITCHBOARD_SIMULATOR_SCENARIO` names
 * another), registers this gateway's webhooks with it — signed, with secrets made fresh at every start unless
 * `SWITCHBOARD_SIMULATOR_SECRET` fixes one — and returns the configuration that points every adapter at it.
 * The simulated accounts use the fixed demo credentials in `accounts`, so the CLI can reach them too.
 *
 * @example
 * ```ts
 * import { Simulated } from "@switchboard/sample/Simulated"
 * import { Effect } from "effect"
 *
 * const program = Effect.gen(function*() {
 *   const embedded = yield* Simulated.start({ port: 0, scenarioFile: "scenario.json", publicUrl: "http://127.0.0.1:3000" })
 *   return embedded.simulator.baseUrl
 * })
 * ```
 *
 * @since 0.1.0
 */
import type * as HttpClient from "@effect/platform/HttpClient"
import * as Scenario from "@switchboard/simulator/Scenario"
import * as Simulator from "@switchboard/simulator/Simulator"
import type { ScenarioError, StartError } from "@switchboard/simulator/SimulatorError"
import * as Effect from "effect/Effect"
import * as Redacted from "effect/Redacted"
import * as Schema from "effect/Schema"
import type * as Scope from "effect/Scope"
import * as crypto from "node:crypto"
import * as fs from "node:fs"
import { webhookPaths } from "./Providers.js"

/**
 * The simulated accounts' identities (their secrets are generated).
 *
 * @since 0.1.0
 * @category constants
 */
export const accounts = {
  vonageApiKey: "switchboard-demo",
  vonageApiSecret: "switchboard-demo-secret",
  kpnClientId: "switchboard-demo",
  kpnClientSecret: "switchboard-demo-secret",
  kpnSigningKeyId: "switchboard",
  whatsappSender: "447700900000",
  viberSender: "16273",
  /** The Facebook page id Messenger messages are sent from. */
  messengerPageId: "107083064136738"
} as const

/**
 * The scenario file could not be read.
 *
 * @since 0.1.0
 * @category errors
 */
export class ScenarioFileError extends Schema.TaggedError<ScenarioFileError>("@switchboard/sample/Simulated/ScenarioFileError")(
  "ScenarioFileError",
  { message: Schema.String }
) {}

/**
 * @since 0.1.0
 * @category models
 */
export interface Secrets {
  readonly vonageSignatureSecret: string
  readonly kpnWebhookSecret: string
}

/**
 * @since 0.1.0
 * @category models
 */
export interface Embedded {
  readonly simulator: Simulator.Service
  /** Configuration that wins over the environment: base URLs, credentials, webhook secrets. */
  readonly forced: ReadonlyMap<string, string>
  /** Configuration the environment may override: senders, the WhatsApp window check. */
  readonly defaults: ReadonlyMap<string, string>
}

const secret = (): string => crypto.randomBytes(24).toString("base64url")

/**
 * The simulator's webhook section for a gateway at `publicUrl`.
 *
 * @since 0.1.0
 * @category constructors
 */
export const webhooks = (publicUrl: string, secrets: Pick<Secrets, "vonageSignatureSecret" | "kpnWebhookSecret">) => ({
  vonageSms: {
    deliveryReceiptUrl: `${publicUrl}${webhookPaths.vonageSmsDlr}`,
    inboundUrl: `${publicUrl}${webhookPaths.vonageSmsInbound}`,
    method: "POST-JSON" as const,
    signatureSecret: secrets.vonageSignatureSecret,
    signatureMethod: "sha256" as const
  },
  messages: {
    statusUrl: `${publicUrl}${webhookPaths.vonageMessagesStatus}`,
    inboundUrl: `${publicUrl}${webhookPaths.vonageMessagesInbound}`,
    signatureSecret: secrets.vonageSignatureSecret
  },
  kpnSms: {
    inboundUrl: `${publicUrl}${webhookPaths.kpnSmsInbound}`,
    signingKey: { keyId: accounts.kpnSigningKeyId, secret: secrets.kpnWebhookSecret }
  }
})

/**
 * The configuration that points every adapter at a simulator at `base`, with the demo accounts (and, for
 * the gateway itself, the webhook signing secrets).
 *
 * @since 0.1.0
 * @category constructors
 */
export const forcedConfig = (base: string, secrets?: Secrets): Map<string, string> => {
  const forced = new Map<string, string>([
    ["VONAGE_SMS_MODE", "direct"],
    ["VONAGE_SMS_AUTH", "basic"],
    ["VONAGE_API_KEY", accounts.vonageApiKey],
    ["VONAGE_API_SECRET", accounts.vonageApiSecret],
    ["VONAGE_SMS_BASE_URL", base],
    ["VONAGE_SIGNATURE_METHOD", "sha256"],
    ["VONAGE_WEBHOOK_VERIFY", "true"],
    ["VONAGE_MESSAGES_MODE", "vonage-basic"],
    ["VONAGE_MESSAGES_BASE_URL", base],
    ["KPN_CLIENT_ID", accounts.kpnClientId],
    ["KPN_CLIENT_SECRET", accounts.kpnClientSecret],
    ["KPN_BASE_URL", base],
    ["KPN_TOKEN_URL", `${base}/oauth/client_credential/accesstoken`],
    ["KPN_NEXMO_SMS_BASE_URL", `${base}/communication/nexmo/sms`],
    ["KPN_NEXMO_NUMBERS_BASE_URL", `${base}/communication/nexmo/phone-numbers`],
    ["KPN_WEBHOOK_VERIFY", "true"]
  ])
  if (secrets !== undefined) {
    forced.set("VONAGE_SIGNATURE_SECRET", secrets.vonageSignatureSecret)
    forced.set("KPN_WEBHOOK_SECRET", secrets.kpnWebhookSecret)
  }
  return forced
}

/**
 * Reads a scenario file (JSON) into a scenario.
 *
 * @since 0.1.0
 * @category constructors
 */
export const readScenario = (file: string): Effect.Effect<Scenario.Scenario, ScenarioFileError> =>
  Effect.try({
    try: () => fs.readFileSync(file, "utf8"),
    catch: (error) =>
      new ScenarioFileError({ message: `cannot read the simulator scenario ${file}: ${error instanceof Error ? error.message : String(error)}` })
  }).pipe(
    Effect.flatMap(Scenario.decodeJson),
    Effect.mapError((error) =>
      error._tag === "ScenarioFileError" ? error : new ScenarioFileError({ message: `${file}: ${error.message}` })
    )
  )

/**
 * Starts the simulator for a gateway at `publicUrl` (it stops with the scope).
 *
 * @since 0.1.0
 * @category constructors
 */
export const start = (options: {
  readonly port: number
  readonly scenarioFile: string
  readonly publicUrl: string
  /** The webhook signing secret; a fresh random one for each when absent. */
  readonly signingSecret?: Redacted.Redacted | undefined
}): Effect.Effect<Embedded, ScenarioFileError | ScenarioError | StartError, Scope.Scope | HttpClient.HttpClient> =>
  Effect.gen(function*() {
    const scenario = yield* readScenario(options.scenarioFile)
    const fixed = options.signingSecret === undefined ? undefined : Redacted.value(options.signingSecret)
    const secrets: Secrets = { vonageSignatureSecret: fixed ?? secret(), kpnWebhookSecret: fixed ?? secret() }
    const simulator = yield* Simulator.make({
      port: options.port,
      scenario: {
        ...Schema.encodeSync(Scenario.Scenario)(scenario),
        credentials: {
          vonage: { apiKey: accounts.vonageApiKey, apiSecret: accounts.vonageApiSecret },
          kpn: { clientId: accounts.kpnClientId, clientSecret: accounts.kpnClientSecret }
        },
        webhooks: webhooks(options.publicUrl, secrets)
      }
    })
    const forced = forcedConfig(simulator.baseUrl, secrets)
    const defaults = new Map<string, string>([
      ["WHATSAPP_SENDER", accounts.whatsappSender],
      ["VIBER_SENDER", accounts.viberSender],
      ["MESSENGER_SENDER", accounts.messengerPageId],
      ["KPN_SMS_SENDER", "Switchboard"],
      // the simulator does not model WhatsApp's 24-hour window; live, the channel enforces it
      ["WHATSAPP_CONVERSATION_WINDOW", "off"]
    ])
    return { simulator, forced, defaults }
  })
