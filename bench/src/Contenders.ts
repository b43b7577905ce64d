/**
 * The clients the benchmarks compare, each built the way its users build it and pointed at the simulator:
 *
 * - SMS (`POST /sms/json`): Switchboard's `VonageSmsClient` (the transport) and `VonageSmsChannel` (the
 *   channel: message model, validation, receipt), the official `@vonage/sms` SDK (`restHost`), and a raw
 *   undici `Pool` posting the same form body with the same Basic header as Switchboard.
 * - WhatsApp text (`POST /v1/messages`): Switchboard's `WhatsAppChannel` over `VonageMessagesClient` with
 *   Basic or an application JWT, the official `@vonage/messages` SDK with a JWT (`apiHost`), and raw undici.
 * - KPN (`POST /communication/nexmo/sms/send` with a bearer token from the KPN token endpoint): Switchboard's
 *   `VonageSmsClient` in KPN mode over `OAuthClientCredentials`, raw undici with a shared token promise (one
 *   token request by construction), and raw undici with a token cache that has no single flight.
 *
 * Switchboard's clients are driven in Effect (`Driver.effect`), the others with promises (`Driver.promise`).
 * Every contender lives in its own worker process (see `workers/client.ts`).
 *
 * @example
 * ```ts
 * import * as Contenders from "./Contenders.js"
 *
 * const contender = await Contenders.make("sms/raw-undici", { baseUrl: "http://127.0.0.1:4010" })
 * const result = await contender.run(1000, 16)
 * await contender.close()
 * ```
 *
 * @since 0.1.0
 */
import * as NodeHttpClient from "@effect/platform-node/NodeHttpClient"
import { ApplicationJwt, OAuthClientCredentials } from "@switchboard/auth"
import * as Content from "@switchboard/core/Content"
import * as Message from "@switchboard/core/Message"
import * as Recipient from "@switchboard/core/Recipient"
import * as VonageMessagesClient from "@switchboard/vonage-messages/VonageMessagesClient"
import * as VonageSmsChannel from "@switchboard/vonage-sms/VonageSmsChannel"
import * as VonageSmsClient from "@switchboard/vonage-sms/VonageSmsClient"
import * as WhatsAppChannel from "@switchboard/whatsapp/WhatsAppChannel"
import { Auth } from "@vonage/auth"
import { Messages, WhatsAppText } from "@vonage/messages"
import { SMS } from "@vonage/sms"
import * as Effect from "effect/Effect"
import * as Layer from "effect/Layer"
import * as ManagedRuntime from "effect/ManagedRuntime"
import * as Redacted from "effect/Redacted"
import { Agent, Pool } from "undici"
import * as Driver from "./Driver.js"

/**
 * Made-up credentials (the simulator accepts any well-formed ones).
 *
 * @since 0.1.0
 * @category constants
 */
export const credentials = {
  apiKey: "abcd1234",
  apiSecret: "bench-api-secret",
  applicationId: "aaaaaaaa-bbbb-cccc-dddd-0123456789ab",
  kpnClientId: "bench-client",
  kpnClientSecret: "bench-client-secret"
} as const

/**
 * The SMS every contender sends.
 *
 * @since 0.1.0
 * @category constants
 */
export const sms = { from: "Acme", to: "31612345678", text: "Your code is 123456" } as const

/**
 * The WhatsApp text every contender sends.
 *
 * @since 0.1.0
 * @category constants
 */
export const whatsapp = { from: "447700900001", to: "31612345678", text: "Your parcel arrives today" } as const

/**
 * What a contender needs to know.
 *
 * @since 0.1.0
 * @category models
 */
export interface Setup {
  readonly baseUrl: string
  /** PEM (PKCS#8) RSA private key for the application JWT contenders. */
  readonly privateKey?: string | undefined
  /** Connections the HTTP client may open to the simulator (KPN suite); unlimited when absent. */
  readonly connections?: number | undefined
}

/**
 * A contender ready to run.
 *
 * @since 0.1.0
 * @category models
 */
export interface Contender {
  readonly run: (count: number, concurrency: number) => Promise<Driver.RunResult>
  readonly close: () => Promise<void>
}

/**
 * Every contender, by name, with a description for the report.
 *
 * @since 0.1.0
 * @category constants
 */
export const descriptions = {
  "sms/switchboard-client": "`@switchboard/vonage-sms` `VonageSmsClient.send` (direct, Basic), driven in Effect",
  "sms/switchboard-channel":
    "`@switchboard/vonage-sms` `VonageSmsChannel.send` (recipient parsed and `Message.make` per send), driven in Effect",
  "sms/vonage-sdk": "official `@vonage/sms` `SMS.send` (`restHost` = simulator; JSON body, Basic)",
  "sms/raw-undici": "undici `Pool.request` posting the same form body and Basic header, `JSON.parse` of the answer",
  "whatsapp/switchboard-basic":
    "`@switchboard/whatsapp` `WhatsAppChannel.send` over `VonageMessagesClient` (Basic), driven in Effect",
  "whatsapp/switchboard-jwt":
    "`@switchboard/whatsapp` `WhatsAppChannel.send` over `VonageMessagesClient` (application JWT, minted once and cached)",
  "whatsapp/vonage-sdk-jwt": "official `@vonage/messages` `Messages.send(new WhatsAppText(…))` (JWT, `apiHost` = simulator)",
  "whatsapp/raw-undici": "undici `Pool.request` posting the same JSON body with a fixed Basic header",
  "kpn/switchboard":
    "`VonageSmsClient` in KPN mode over `OAuthClientCredentials` (cache + single flight), a fresh client per run; request timeout raised from 30 s to 10 min (it includes the wait for a free connection)",
  "kpn/raw-shared-promise": "raw undici; the token request's promise is shared by every send (hand-written single flight)",
  "kpn/raw-no-single-flight": "raw undici; a token cache without single flight (`token ??= await fetchToken()`)"
} as const

/**
 * @since 0.1.0
 * @category models
 */
export type Name = keyof typeof descriptions

const basicHeader = `Basic ${Buffer.from(`${credentials.apiKey}:${credentials.apiSecret}`).toString("base64")}`

// ---------------------------------------------------------------------------------------------------------
// Switchboard
// ---------------------------------------------------------------------------------------------------------

const httpLayer = (setup: Setup) =>
  setup.connections === undefined
    ? NodeHttpClient.layerUndici
    : NodeHttpClient.layerUndiciWithoutDispatcher.pipe(
      Layer.provide(
        Layer.scoped(
          NodeHttpClient.Dispatcher,
          Effect.acquireRelease(
            Effect.sync(() => new Agent({ connections: setup.connections ?? null })),
            (agent) => Effect.promise(() => agent.destroy())
          )
        )
      )
    )

/** Our clients' rate limiters are on by default (30 requests a second); the benchmarks lift them. */
const noRateLimit: VonageSmsClient.RateLimit = { limit: 1_000_000_000, interval: "1 second" }

const effectContender = async <R, E>(
  layer: Layer.Layer<R, E>,
  send: (index: number) => Effect.Effect<unknown, unknown, R>
): Promise<Contender> => {
  const runtime = ManagedRuntime.make(layer)
  await runtime.runPromise(Effect.void)
  return {
    run: (count, concurrency) => runtime.runPromise(Driver.effect(count, concurrency, send)),
    close: () => runtime.dispose()
  }
}

const smsClientLayer = (setup: Setup) =>
  VonageSmsClient.layer({
    mode: "direct",
    baseUrl: setup.baseUrl,
    rateLimit: noRateLimit,
    authentication: { type: "basic", apiKey: credentials.apiKey, apiSecret: Redacted.make(credentials.apiSecret) }
  }).pipe(Layer.provide(httpLayer(setup)))

const switchboardSmsClient = (setup: Setup) =>
  effectContender(smsClientLayer(setup), () =>
    Effect.flatMap(VonageSmsClient.VonageSmsClient, (client) =>
      client.send(new VonageSmsClient.SendRequest({ from: sms.from, to: sms.to, text: sms.text, type: "text" }))))

const switchboardSmsChannel = (setup: Setup) =>
  effectContender(
    VonageSmsChannel.layer({ sender: sms.from }).pipe(Layer.provide(smsClientLayer(setup))),
    () =>
      Effect.gen(function*() {
        const channel = yield* VonageSmsChannel.VonageSmsChannel
        const message = yield* Message.make({
          recipient: yield* Recipient.fromPhone(`+${sms.to}`),
          content: Content.text(sms.text)
        })
        return yield* channel.send(message)
      })
  )

const whatsappMessage = Effect.gen(function*() {
  return yield* Message.make({
    recipient: yield* Recipient.fromPhone(`+${whatsapp.to}`),
    content: Content.text(whatsapp.text)
  })
})

const switchboardWhatsApp = (setup: Setup, mode: "basic" | "jwt") => {
  const client = mode === "basic"
    ? VonageMessagesClient.layer({
      mode: "vonage-basic",
      baseUrl: setup.baseUrl,
      apiKey: credentials.apiKey,
      apiSecret: Redacted.make(credentials.apiSecret)
    })
    : VonageMessagesClient.layer({ mode: "vonage-jwt", baseUrl: setup.baseUrl }).pipe(
      Layer.provide(
        ApplicationJwt.layer({
          applicationId: credentials.applicationId,
          privateKey: Redacted.make(requirePrivateKey(setup))
        }).pipe(Layer.orDie)
      )
    )
  return effectContender(
    WhatsAppChannel.layer({ sender: whatsapp.from, conversationWindow: "off" }).pipe(
      Layer.provide(client),
      Layer.provide(httpLayer(setup))
    ),
    () =>
      Effect.gen(function*() {
        const channel = yield* WhatsAppChannel.WhatsAppChannel
        return yield* channel.send(yield* whatsappMessage)
      })
  )
}

const switchboardKpn = (setup: Setup): Contender => {
  // a fresh client (and so a cold token cache) for every run
  const layer = VonageSmsClient.layer({
    mode: "kpn",
    baseUrl: `${setup.baseUrl}/communication/nexmo/sms`,
    rateLimit: noRateLimit,
    // the default 30 s per request includes the wait for a free connection: thousands of sends queued on 64
    // connections would time out on a slow machine, and the other contenders have no such limit
    timeout: "10 minutes"
  }).pipe(
    Layer.provide(
      OAuthClientCredentials.layer({
        clientId: credentials.kpnClientId,
        clientSecret: Redacted.make(credentials.kpnClientSecret),
        tokenUrl: `${setup.baseUrl}/oauth/client_credential/accesstoken`
      })
    ),
    Layer.provide(httpLayer(setup))
  )
  return {
    run: (count, concurrency) =>
      Effect.runPromise(
        Driver.effect(count, concurrency, () =>
          Effect.flatMap(VonageSmsClient.VonageSmsClient, (client) =>
            client.send(new VonageSmsClient.SendRequest({ from: sms.from, to: sms.to, text: sms.text, type: "text" }))))
          .pipe(Effect.provide(layer), Effect.scoped)
      ),
    close: () => Promise.resolve()
  }
}

const requirePrivateKey = (setup: Setup): string => {
  if (setup.privateKey === undefined) throw new Error("this contender needs a private key")
  return setup.privateKey
}

// ---------------------------------------------------------------------------------------------------------
// the official SDKs
// ---------------------------------------------------------------------------------------------------------

const vonageSms = (setup: Setup): Contender => {
  const client = new SMS(new Auth({ apiKey: credentials.apiKey, apiSecret: credentials.apiSecret }), {
    restHost: setup.baseUrl
  })
  return {
    run: (count, concurrency) =>
      Driver.promise(count, concurrency, () => client.send({ from: sms.from, to: sms.to, text: sms.text })),
    close: () => Promise.resolve()
  }
}

const vonageMessagesJwt = (setup: Setup): Contender => {
  const client = new Messages(
    new Auth({ applicationId: credentials.applicationId, privateKey: requirePrivateKey(setup) }),
    { apiHost: setup.baseUrl }
  )
  return {
    run: (count, concurrency) =>
      Driver.promise(
        count,
        concurrency,
        () => client.send(new WhatsAppText({ from: whatsapp.from, to: whatsapp.to, text: whatsapp.text }))
      ),
    close: () => Promise.resolve()
  }
}

// ---------------------------------------------------------------------------------------------------------
// raw undici
// ---------------------------------------------------------------------------------------------------------

const rawSms = (setup: Setup): Contender => {
  const pool = new Pool(setup.baseUrl, { connections: setup.connections ?? 64 })
  const body = new URLSearchParams({ from: sms.from, to: sms.to, type: "text", text: sms.text }).toString()
  const headers = {
    accept: "application/json",
    authorization: basicHeader,
    "content-type": "application/x-www-form-urlencoded"
  }
  return {
    run: (count, concurrency) =>
      Driver.promise(count, concurrency, async () => {
        const response = await pool.request({ path: "/sms/json", method: "POST", headers, body })
        const answer = JSON.parse(await response.body.text()) as { messages: Array<{ status: string }> }
        if (response.statusCode !== 200 || answer.messages[0]?.status !== "0") {
          throw new Error(`HTTP ${response.statusCode}`)
        }
      }),
    close: () => pool.close()
  }
}

const rawWhatsApp = (setup: Setup): Contender => {
  const pool = new Pool(setup.baseUrl, { connections: setup.connections ?? 64 })
  const headers = { accept: "application/json", authorization: basicHeader, "content-type": "application/json" }
  return {
    run: (count, concurrency) =>
      Driver.promise(count, concurrency, async () => {
        const response = await pool.request({
          path: "/v1/messages",
          method: "POST",
          headers,
          body: JSON.stringify({
            message_type: "text",
            channel: "whatsapp",
            from: whatsapp.from,
            to: whatsapp.to,
            text: whatsapp.text
          })
        })
        const answer = JSON.parse(await response.body.text()) as { message_uuid?: string }
        if (response.statusCode !== 202 || answer.message_uuid === undefined) {
          throw new Error(`HTTP ${response.statusCode}`)
        }
      }),
    close: () => pool.close()
  }
}

const rawKpn = (setup: Setup, singleFlight: boolean): Contender => {
  const smsBody = new URLSearchParams({ from: sms.from, to: sms.to, type: "text", text: sms.text }).toString()
  const tokenBody = new URLSearchParams({
    client_id: credentials.kpnClientId,
    client_secret: credentials.kpnClientSecret
  }).toString()
  let pool: Pool | undefined
  return {
    run: async (count, concurrency) => {
      // a fresh pool and a cold token cache for every run
      pool = new Pool(setup.baseUrl, { connections: setup.connections ?? 64 })
      const http = pool
      const fetchToken = async (): Promise<string> => {
        const response = await http.request({
          path: "/oauth/client_credential/accesstoken?grant_type=client_credentials",
          method: "POST",
          headers: { "content-type": "application/x-www-form-urlencoded", accept: "application/json" },
          body: tokenBody
        })
        const answer = JSON.parse(await response.body.text()) as { access_token?: string }
        if (answer.access_token === undefined) throw new Error(`token: HTTP ${response.statusCode}`)
        return answer.access_token
      }
      let token: string | undefined
      let tokenPromise: Promise<string> | undefined
      const bearer = singleFlight
        ? () => (tokenPromise ??= fetchToken())
        : async () => (token ??= await fetchToken())
      const result = await Driver.promise(count, concurrency, async () => {
        const response = await http.request({
          path: "/communication/nexmo/sms/send",
          method: "POST",
          headers: {
            accept: "application/json",
            authorization: `Bearer ${await bearer()}`,
            "content-type": "application/x-www-form-urlencoded"
          },
          body: smsBody
        })
        const answer = JSON.parse(await response.body.text()) as { messages?: Array<{ status: string }> }
        if (response.statusCode !== 200 || answer.messages?.[0]?.status !== "0") {
          throw new Error(`HTTP ${response.statusCode}`)
        }
      })
      await http.close()
      return result
    },
    close: async () => {
      if (pool !== undefined && !pool.closed) await pool.close()
    }
  }
}

/**
 * Builds a contender.
 *
 * @since 0.1.0
 * @category constructors
 */
export const make = (name: Name, setup: Setup): Promise<Contender> => {
  switch (name) {
    case "sms/switchboard-client":
      return switchboardSmsClient(setup)
    case "sms/switchboard-channel":
      return switchboardSmsChannel(setup)
    case "sms/vonage-sdk":
      return Promise.resolve(vonageSms(setup))
    case "sms/raw-undici":
      return Promise.resolve(rawSms(setup))
    case "whatsapp/switchboard-basic":
      return switchboardWhatsApp(setup, "basic")
    case "whatsapp/switchboard-jwt":
      return switchboardWhatsApp(setup, "jwt")
    case "whatsapp/vonage-sdk-jwt":
      return Promise.resolve(vonageMessagesJwt(setup))
    case "whatsapp/raw-undici":
      return Promise.resolve(rawWhatsApp(setup))
    case "kpn/switchboard":
      return Promise.resolve(switchboardKpn(setup))
    case "kpn/raw-shared-promise":
      return Promise.resolve(rawKpn(setup, true))
    case "kpn/raw-no-single-flight":
      return Promise.resolve(rawKpn(setup, false))
  }
}
