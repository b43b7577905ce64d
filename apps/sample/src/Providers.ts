/**
 * The providers: every channel the gateway can route to and the parsers of every provider webhook, built
 * from configuration through each adapter's own `layerConfig` (the simulator mode supplies that
 * configuration, pointing everything at the embedded simulator; see `Simulated`).
 *
 * A channel whose configuration is missing (no KPN credentials, say) is left out with the reason, so the
 * gateway still starts with the channels it has; a route that names a missing channel is refused when a
 * message asks for it.
 *
 * @example
 * ```ts
 * import { Providers } from "@switchboard/sample/Providers"
 * import { Effect } from "effect"
 *
 * const program = Effect.gen(function*() {
 *   const providers = yield* Providers.make({ publicUrl: "https://gateway.example.com" })
 *   return providers.channels.map((channel) => channel.id)
 * })
 * ```
 *
 * @since 0.1.0
 */
import type * as HttpClient from "@effect/platform/HttpClient"
import { OAuthClientCredentials, VonageSignature } from "@switchboard/auth"
import type * as Channel from "@switchboard/core/Channel"
import * as Webhook from "@switchboard/core/Webhook"
import { KpnSmsChannel, KpnSmsClient, KpnSmsWebhook } from "@switchboard/kpn-sms"
import { MessengerChannel } from "@switchboard/messenger"
import { ViberChannel } from "@switchboard/viber"
import { VonageMessagesClient, VonageMessagesWebhook } from "@switchboard/vonage-messages"
import { ConcatStore, VonageSmsChannel, VonageSmsClient, VonageSmsWebhook } from "@switchboard/vonage-sms"
import { type ConversationWindow, WhatsAppChannel } from "@switchboard/whatsapp"
import * as Config from "effect/Config"
import * as Context from "effect/Context"
import * as Effect from "effect/Effect"
import * as Either from "effect/Either"
import * as Layer from "effect/Layer"
import * as Option from "effect/Option"
import type * as Redacted from "effect/Redacted"
import type * as Scope from "effect/Scope"

/**
 * The webhook endpoints the gateway serves, by name, with their paths.
 *
 * @since 0.1.0
 * @category constants
 */
export const webhookPaths = {
  vonageSmsDlr: "/webhooks/vonage/sms/dlr",
  vonageSmsInbound: "/webhooks/vonage/sms/inbound",
  vonageMessagesStatus: "/webhooks/vonage/messages/status",
  vonageMessagesInbound: "/webhooks/vonage/messages/inbound",
  kpnSmsDlr: "/webhooks/kpn/sms/dlr",
  kpnSmsInbound: "/webhooks/kpn/sms/inbound"
} as const

/**
 * @since 0.1.0
 * @category models
 */
export type WebhookName = keyof typeof webhookPaths

/**
 * @since 0.1.0
 * @category models
 */
export interface Providers {
  /** The channels that are configured. */
  readonly channels: ReadonlyArray<Channel.Channel>
  /** The channels that are not, and why. */
  readonly missing: ReadonlyArray<{ readonly channel: string; readonly reason: string }>
  /** Webhook parsers by provider. */
  readonly parsers: {
    readonly vonageSms: Webhook.Parser
    readonly vonageMessages: Webhook.Parser
    readonly kpnSms: Webhook.Parser
  }
  /** Warnings worth a log line at startup (unverified webhooks, …). */
  readonly warnings: ReadonlyArray<string>
}

/**
 * @since 0.1.0
 * @category models
 */
export interface Options {
  /** Where providers reach this gateway's webhooks. */
  readonly publicUrl: string
}

const refuse = (message: string): Webhook.Parser => () => Effect.fail(Webhook.unauthorized(message))

const describe = (error: unknown): string =>
  error !== null && typeof error === "object" && "message" in error ? String(error.message) : String(error)

const normalizeAlgorithm = (value: string): string => {
  const cleaned = value.trim().toLowerCase().replace(/[^a-z0-9]/g, "")
  return cleaned === "md5hmac" ? "md5" : cleaned.replace(/hmac$/, "")
}

const vonageSignature = Config.all({
  secret: Config.option(Config.redacted("VONAGE_SIGNATURE_SECRET")),
  method: Config.string("VONAGE_SIGNATURE_METHOD").pipe(
    Config.map(normalizeAlgorithm),
    Config.validate({
      message: `VONAGE_SIGNATURE_METHOD must be one of ${VonageSignature.algorithms.join(", ")}`,
      validation: (value): value is VonageSignature.SignatureAlgorithm =>
        (VonageSignature.algorithms as ReadonlyArray<string>).includes(value)
    }),
    Config.withDefault<VonageSignature.SignatureAlgorithm>("md5hash")
  ),
  verify: Config.boolean("VONAGE_WEBHOOK_VERIFY").pipe(Config.withDefault(true))
})

/**
 * Builds the channels and webhook parsers from configuration. Channels live as long as the scope.
 *
 * @since 0.1.0
 * @category constructors
 */
export const make = (
  options: Options
): Effect.Effect<Providers, never, HttpClient.HttpClient | ConcatStore.ConcatStore | ConversationWindow.ConversationWindow | Scope.Scope> =>
  Effect.gen(function*() {
    const context = yield* Effect.context<HttpClient.HttpClient | ConcatStore.ConcatStore | ConversationWindow.ConversationWindow>()
    const channels: Array<Channel.Channel> = []
    const missing: Array<{ channel: string; reason: string }> = []
    const warnings: Array<string> = []

    const build = <I, E>(id: string, layer: Layer.Layer<I, E, any>, tag: Context.Tag<I, Channel.Channel>) =>
      Layer.build(layer).pipe(
        Effect.provide(context),
        Effect.map((built) => Context.get(built, tag)),
        Effect.either,
        Effect.flatMap((result) =>
          Effect.sync(() => {
            if (Either.isRight(result)) channels.push(result.right)
            else missing.push({ channel: id, reason: describe(result.left) })
          })
        )
      ) as Effect.Effect<void, never, Scope.Scope>

    // --- SMS ------------------------------------------------------------------------------------------------
    const sender = yield* Config.string("SWITCHBOARD_SMS_SENDER").pipe(Config.withDefault("Switchboard"), Effect.orDie)
    const dlrUrl = `${options.publicUrl}${webhookPaths.vonageSmsDlr}`
    if (dlrUrl.length > 100) {
      warnings.push(`the Vonage SMS delivery receipt URL ${dlrUrl} is longer than Vonage's 100 characters; set it in the Vonage dashboard`)
    }
    yield* build(
      "sms.vonage",
      VonageSmsChannel.layer({ sender, ...(dlrUrl.length <= 100 ? { callback: dlrUrl, statusReportReq: true } : {}) }).pipe(
        Layer.provide(VonageSmsClient.layerConfig)
      ),
      VonageSmsChannel.VonageSmsChannel
    )
    yield* build(
      "sms.kpn",
      KpnSmsChannel.layerConfig.pipe(
        Layer.provide(KpnSmsClient.layerConfig),
        Layer.provide(OAuthClientCredentials.layerConfig)
      ),
      KpnSmsChannel.KpnSmsChannel
    )

    // --- Messages API: one client for WhatsApp, Viber and Messenger --------------------------------------------
    const messagesClient = yield* Layer.build(VonageMessagesClient.layerConfig).pipe(Effect.provide(context), Effect.either)
    if (Either.isLeft(messagesClient)) {
      const reason = describe(messagesClient.left)
      missing.push({ channel: "whatsapp", reason }, { channel: "viber", reason }, { channel: "messenger", reason })
    } else {
      const client = Layer.succeedContext(messagesClient.right)
      yield* build("whatsapp", WhatsAppChannel.layerConfig.pipe(Layer.provide(client)), WhatsAppChannel.WhatsAppChannel)
      yield* build("viber", ViberChannel.layerConfig.pipe(Layer.provide(client)), ViberChannel.ViberChannel)
      yield* build("messenger", MessengerChannel.layerConfig.pipe(Layer.provide(client)), MessengerChannel.MessengerChannel)
    }

    // --- webhook parsers --------------------------------------------------------------------------------------
    const signature = yield* Effect.either(vonageSignature)
    const concat = Context.get(context, ConcatStore.ConcatStore)
    let vonageSms: Webhook.Parser
    let vonageMessages: Webhook.Parser
    if (Either.isLeft(signature)) {
      const reason = `Vonage webhooks are misconfigured: ${describe(signature.left)}`
      vonageSms = refuse(reason)
      vonageMessages = refuse(reason)
      warnings.push(reason)
    } else {
      const { method, secret, verify } = signature.right
      const smsParser = Option.match(secret, {
        onSome: (secret: Redacted.Redacted) =>
          VonageSmsWebhook.parser({ channel: "sms.vonage", signature: { secret, algorithm: method } }),
        onNone: () =>
          verify
            ? undefined
            : VonageSmsWebhook.parser({ channel: "sms.vonage", verification: "disabled" })
      })
      vonageSms = smsParser === undefined
        ? refuse("Vonage SMS webhooks are not accepted: set VONAGE_SIGNATURE_SECRET (or VONAGE_WEBHOOK_VERIFY=false)")
        : (request) => Effect.provideService(smsParser(request), ConcatStore.ConcatStore, concat)
      if (smsParser === undefined) warnings.push("Vonage SMS webhooks are refused: VONAGE_SIGNATURE_SECRET is not set")
      if (Option.isNone(secret) && !verify) warnings.push("Vonage webhooks are accepted unsigned (VONAGE_WEBHOOK_VERIFY=false)")

      const mode = yield* Config.string("VONAGE_MESSAGES_MODE").pipe(Config.withDefault("vonage-basic"), Effect.orDie)
      vonageMessages = mode === "kpn"
        ? VonageMessagesWebhook.parser({ api: "v0.1" })
        : Option.isSome(secret)
        ? VonageMessagesWebhook.parser({ api: "v1", signatureSecret: secret.value })
        : verify
        ? refuse("Vonage Messages webhooks are not accepted: set VONAGE_SIGNATURE_SECRET (or VONAGE_WEBHOOK_VERIFY=false)")
        : VonageMessagesWebhook.parser({ api: "v1", verifySignature: false })
    }
    const kpnOptions = yield* Effect.either(KpnSmsWebhook.config)
    const kpnSms = Either.isRight(kpnOptions)
      ? KpnSmsWebhook.parser(kpnOptions.right)
      : refuse(`KPN webhooks are not accepted: ${describe(kpnOptions.left)}`)
    if (Either.isLeft(kpnOptions)) warnings.push(`KPN webhooks are refused: ${describe(kpnOptions.left)}`)

    return { channels, missing, parsers: { vonageSms, vonageMessages, kpnSms }, warnings }
  })
