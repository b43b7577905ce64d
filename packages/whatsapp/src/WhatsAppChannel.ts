/**
 * WhatsApp Business as a Switchboard channel, through Vonage's Messages API — v1 direct to Vonage or the
 * v0.1 shape through KPN, whichever `VonageMessagesClient` is provided.
 *
 * Capabilities (the KPN guide's feature matrix): sends text (up to 4096 characters), image, audio, video,
 * file, template and custom payloads; receives text, image, audio, video, file and template, plus location,
 * interactive replies (as `Custom`) and unsupported content; addresses people by phone number; reports
 * delivered and read; media up to 64 MB (sent by URL; Vonage fetches it).
 *
 * Content:
 * - `Template`: a pre-approved WhatsApp template (MTM), sent with `policy: "deterministic"` and the template's
 *   locale, or the channel's `templateLocale`; a template without either is refused before any I/O;
 * - `Custom`: passed to WhatsApp as Vonage's `custom` object (interactive messages, templates with media);
 *   a payload with `type: "template"` counts as a template for the window;
 * - captions on images, videos and files; a file name in v1 only; audio carries no caption.
 *
 * The customer care window: WhatsApp lets a business send free-form messages only within 24 hours of the
 * customer's last message; outside it, only templates. By default (`conversationWindow: "enforce"`) the
 * channel asks the `ConversationWindow` service before sending anything that is not a template and, when the
 * window is closed, fails with `InvalidMessage` ("a template is required outside the 24-hour window") before
 * any I/O — so routing can fall back at once instead of paying for a refusal. Feed the window from your inbound
 * webhook with `ConversationWindow.observe`. `conversationWindow: "off"` leaves the check to WhatsApp (which
 * refuses with code 1340, `Rejected`/`NotPermitted`).
 *
 * Configuration (`layerConfig`): `WHATSAPP_SENDER` (the business number), `WHATSAPP_TEMPLATE_LOCALE`
 * (optional, e.g. `en_GB`), `WHATSAPP_CONVERSATION_WINDOW` (`enforce`, the default, or `off`), plus the
 * `VonageMessagesClient` variables.
 *
 * @example
 * ```ts
 * import { Content, Message, Recipient } from "@switchboard/core"
 * import { VonageMessagesClient } from "@switchboard/vonage-messages"
 * import { ConversationWindow, WhatsAppChannel } from "@switchboard/whatsapp"
 * import { NodeHttpClient } from "@effect/platform-node"
 * import { Effect, Layer, Redacted } from "effect"
 *
 * const WhatsApp = WhatsAppChannel.layer({ sender: "447700900001", templateLocale: "en_GB" }).pipe(
 *   Layer.provide(ConversationWindow.layerMemory),
 *   Layer.provide(
 *     VonageMessagesClient.layer({ mode: "vonage-basic", apiKey: "abcd1234", apiSecret: Redacted.make("secret") })
 *   ),
 *   Layer.provide(NodeHttpClient.layerUndici)
 * )
 *
 * const program = Effect.gen(function*() {
 *   const whatsapp = yield* WhatsAppChannel.WhatsAppChannel
 *   const message = yield* Message.make({
 *     recipient: yield* Recipient.fromPhone("+447700900000"),
 *     content: Content.template("appointment_reminder", ["Alice", "10:30"])
 *   })
 *   return yield* whatsapp.send(message)
 * }).pipe(Effect.provide(WhatsApp))
 * ```
 *
 * @since 0.1.0
 */
import * as Capabilities from "@switchboard/core/Capabilities"
import type * as Channel from "@switchboard/core/Channel"
import { type ChannelError, InvalidMessage, ProviderUnavailable } from "@switchboard/core/ChannelError"
import type * as Content from "@switchboard/core/Content"
import type { Message } from "@switchboard/core/Message"
import * as MessagesChannel from "@switchboard/vonage-messages/MessagesChannel"
import type { Payload, VonageMessagesClient } from "@switchboard/vonage-messages/VonageMessagesClient"
import * as Config from "effect/Config"
import type * as ConfigError from "effect/ConfigError"
import * as Context from "effect/Context"
import * as Duration from "effect/Duration"
import * as Effect from "effect/Effect"
import * as Layer from "effect/Layer"
import * as Option from "effect/Option"
import * as ConversationWindow from "./ConversationWindow.js"

/**
 * The channel's id.
 *
 * @since 0.1.0
 * @category constants
 */
export const id = "whatsapp"

/**
 * The largest media file WhatsApp takes through the Messages API: 64 MB.
 *
 * @since 0.1.0
 * @category constants
 */
export const maxMediaBytes = 64 * 1024 * 1024

/**
 * What WhatsApp can do, as the KPN guide's feature matrix says (the same in both API shapes).
 *
 * @since 0.1.0
 * @category capabilities
 */
export const capabilities: Capabilities.Capabilities = Capabilities.make({
  channel: id,
  outbound: ["Text", "Image", "Audio", "Video", "File", "Template", "Custom"],
  inbound: ["Text", "Image", "Audio", "Video", "File", "Template", "Location", "Custom", "Unsupported"],
  address: "phone",
  receipts: ["delivered", "read"],
  maxTextLength: 4096,
  maxMediaBytes,
  templateRequiredOutside: ConversationWindow.defaultWindow
})

/**
 * @since 0.1.0
 * @category models
 */
export interface Options {
  /** The WhatsApp business number to send from, when a message has no `sender`. */
  readonly sender?: string | undefined
  /** The locale of templates that do not name one (`en_GB`, `nl`, …). */
  readonly templateLocale?: string | undefined
  /** `enforce` (default): refuse non-template content outside the window before any I/O; `off`: do not check. */
  readonly conversationWindow?: "enforce" | "off" | undefined
  /** The window's length; 24 hours unless WhatsApp changes it. */
  readonly window?: Duration.DurationInput | undefined
  /** Retries for retryable errors. */
  readonly retry?: Channel.RetryPolicy | undefined
}

/**
 * The message of the error for free-form content outside the window.
 *
 * @since 0.1.0
 * @category constants
 */
export const outsideWindowMessage = "a template is required outside the 24-hour window"

/**
 * Whether content counts as a template for the window: a `Template`, or a `Custom` payload of type `template`.
 *
 * @since 0.1.0
 * @category predicates
 */
export const isTemplate = (content: Content.Outbound): boolean =>
  content._tag === "Template" || (content._tag === "Custom" && content.payload["type"] === "template")

const payload = (options: Options) =>
(
  content: Content.Outbound,
  context: MessagesChannel.Context
): Effect.Effect<Payload, ChannelError> => {
  switch (content._tag) {
    case "Text":
      return Effect.succeed({ type: "text", text: content.text })
    case "Image":
    case "Video":
      return MessagesChannel.media(context, content, { caption: true, name: false })
    case "Audio":
      return MessagesChannel.media(context, content, { caption: false, name: false })
    case "File":
      return MessagesChannel.media(context, content, { caption: true, name: context.api === "v1" })
    case "Template":
      return (content.locale ?? options.templateLocale) === undefined
        ? Effect.fail(
          new InvalidMessage({
            channel: context.channel,
            field: "content.locale",
            message: "a WhatsApp template needs a locale: give the template one or configure templateLocale"
          })
        )
        : Effect.succeed({ type: "template", name: content.name, parameters: content.parameters })
    case "Custom":
      return Effect.succeed({ type: "custom", custom: content.payload })
    default:
      return Effect.fail(MessagesChannel.unsupported(context, content))
  }
}

const channelOptions = (options: Options) =>
(
  message: Message
): Effect.Effect<MessagesChannel.Options, ChannelError> => {
  const content = message.content
  if (content._tag !== "Template") return Effect.succeed({})
  return Effect.succeed({
    whatsapp: {
      policy: content.policy ?? "deterministic",
      locale: (content.locale ?? options.templateLocale)!
    }
  })
}

const windowCheck = (options: Options) =>
(
  message: Message,
  to: string,
  context: MessagesChannel.Context
): Effect.Effect<void, ChannelError, ConversationWindow.ConversationWindow> => {
  const sender = message.sender ?? options.sender
  if (isTemplate(message.content) || sender === undefined) return Effect.void
  const window = Duration.decode(options.window ?? ConversationWindow.defaultWindow)
  return ConversationWindow.isOpen(ConversationWindow.key(sender, to), window).pipe(
    Effect.mapError((error) =>
      new ProviderUnavailable({
        channel: context.channel,
        message: `the WhatsApp conversation window could not be checked: ${error.message}`
      })
    ),
    Effect.flatMap((open) =>
      open ? Effect.void : Effect.fail(
        new InvalidMessage({
          channel: context.channel,
          field: "content",
          message: `${outsideWindowMessage}: the customer has not written to this business number within ${
            Duration.format(window)
          }; send a template`
        })
      )
    )
  )
}

/**
 * The channel's definition for `MessagesChannel` (what `make` builds on).
 *
 * @since 0.1.0
 * @category constructors
 */
export const definition = (
  options: Options = {}
): MessagesChannel.Definition<ConversationWindow.ConversationWindow> => ({
  channel: "whatsapp",
  capabilities: () => capabilities,
  sender: options.sender,
  payload: payload(options),
  options: channelOptions(options),
  ...(options.conversationWindow === "off" ? {} : { validate: windowCheck(options) }),
  retry: options.retry
})

/**
 * Builds the channel on the `VonageMessagesClient` in context (and, unless the window check is off, the
 * `ConversationWindow`).
 *
 * @since 0.1.0
 * @category constructors
 */
export function make(
  options: Options & { readonly conversationWindow: "off" }
): Effect.Effect<Channel.Channel, never, VonageMessagesClient>
export function make(
  options?: Options
): Effect.Effect<Channel.Channel, never, VonageMessagesClient | ConversationWindow.ConversationWindow>
export function make(
  options: Options = {}
): Effect.Effect<Channel.Channel, never, VonageMessagesClient | ConversationWindow.ConversationWindow> {
  return MessagesChannel.make(definition(options))
}

/**
 * The WhatsApp channel, as a service.
 *
 * @since 0.1.0
 * @category tags
 */
export class WhatsAppChannel extends Context.Tag("@switchboard/whatsapp/WhatsAppChannel")<
  WhatsAppChannel,
  Channel.Channel
>() {}

/**
 * @since 0.1.0
 * @category layers
 */
export function layer(
  options: Options & { readonly conversationWindow: "off" }
): Layer.Layer<WhatsAppChannel, never, VonageMessagesClient>
export function layer(
  options?: Options
): Layer.Layer<WhatsAppChannel, never, VonageMessagesClient | ConversationWindow.ConversationWindow>
export function layer(
  options: Options = {}
): Layer.Layer<WhatsAppChannel, never, VonageMessagesClient | ConversationWindow.ConversationWindow> {
  return Layer.effect(WhatsAppChannel, make(options))
}

/**
 * The options from the environment: `WHATSAPP_SENDER`, `WHATSAPP_TEMPLATE_LOCALE`,
 * `WHATSAPP_CONVERSATION_WINDOW`.
 *
 * @since 0.1.0
 * @category config
 */
export const config: Config.Config<Options> = Config.all({
  sender: Config.option(Config.string("WHATSAPP_SENDER")),
  templateLocale: Config.option(Config.string("WHATSAPP_TEMPLATE_LOCALE")),
  conversationWindow: Config.literal("enforce", "off")("WHATSAPP_CONVERSATION_WINDOW").pipe(
    Config.withDefault("enforce" as const)
  )
}).pipe(
  Config.map(({ conversationWindow, sender, templateLocale }): Options => ({
    sender: Option.getOrUndefined(sender),
    templateLocale: Option.getOrUndefined(templateLocale),
    conversationWindow
  }))
)

/**
 * The channel from the environment (see `config`). It requires a `ConversationWindow` even when the check is
 * configured off.
 *
 * @since 0.1.0
 * @category layers
 */
export const layerConfig: Layer.Layer<
  WhatsAppChannel,
  ConfigError.ConfigError,
  VonageMessagesClient | ConversationWindow.ConversationWindow
> = Layer.unwrapEffect(Effect.map(config, (options) => layer(options)))
