/**
 * What a channel can do, declared as data: the content kinds it sends and receives, its text limit, its
 * media size limit, whether it needs a template outside a customer care window, which delivery statuses it
 * reports, and which address it needs. `check` rejects content a channel cannot carry before any I/O.
 *
 * @example
 * ```ts
 * import { Capabilities, Content } from "@switchboard/core"
 * import { Effect } from "effect"
 *
 * const sms = Capabilities.make({
 *   channel: "sms.example",
 *   outbound: ["Text", "Binary"],
 *   inbound: ["Text", "Binary"],
 *   address: "phone",
 *   receipts: ["delivered"],
 *   maxTextLength: 1530
 * })
 *
 * // fails with UnsupportedContent, before anything is sent
 * const refused = Capabilities.check(sms, Content.image("https://example.com/a.png"))
 * ```
 *
 * @since 0.1.0
 */
import * as Duration from "effect/Duration"
import * as Effect from "effect/Effect"
import * as Schema from "effect/Schema"
import { InvalidMessage, UnsupportedContent } from "./ChannelError.js"
import * as Content from "./Content.js"
import { AddressKind } from "./Address.js"

/**
 * The statuses a channel can confirm after acceptance.
 *
 * @since 0.1.0
 * @category models
 */
export const ReceiptKind = Schema.Literal("delivered", "read")

/**
 * @since 0.1.0
 * @category models
 */
export type ReceiptKind = typeof ReceiptKind.Type

/**
 * @since 0.1.0
 * @category models
 */
export class Capabilities extends Schema.Class<Capabilities>("@switchboard/core/Capabilities")({
  /** The channel's id, for messages. */
  channel: Schema.String,
  /** Content kinds the channel can send. */
  outbound: Schema.Array(Content.ContentKind),
  /** Content kinds the channel can receive. */
  inbound: Schema.Array(Content.ContentKind),
  /** The address it needs from a recipient. */
  address: AddressKind,
  /** Which statuses it reports after accepting a message. */
  receipts: Schema.Array(ReceiptKind),
  /** The longest text it accepts, in characters (UTF-16 code units). */
  maxTextLength: Schema.optional(Schema.Int.pipe(Schema.positive())),
  /** The largest media file it accepts, in bytes. */
  maxMediaBytes: Schema.optional(Schema.Int.pipe(Schema.positive())),
  /**
   * A customer care window: outside it (counted from the recipient's last inbound message), only templates
   * may be sent. WhatsApp: 24 hours.
   */
  templateRequiredOutside: Schema.optional(Schema.DurationFromMillis)
}) {}

/**
 * @since 0.1.0
 * @category constructors
 */
export const make = (fields: {
  readonly channel: string
  readonly outbound: ReadonlyArray<Content.ContentKind>
  readonly inbound: ReadonlyArray<Content.ContentKind>
  readonly address: AddressKind
  readonly receipts: ReadonlyArray<ReceiptKind>
  readonly maxTextLength?: number
  readonly maxMediaBytes?: number
  readonly templateRequiredOutside?: Duration.DurationInput
}): Capabilities =>
  new Capabilities({
    channel: fields.channel,
    outbound: fields.outbound,
    inbound: fields.inbound,
    address: fields.address,
    receipts: fields.receipts,
    ...(fields.maxTextLength === undefined ? {} : { maxTextLength: fields.maxTextLength }),
    ...(fields.maxMediaBytes === undefined ? {} : { maxMediaBytes: fields.maxMediaBytes }),
    ...(fields.templateRequiredOutside === undefined
      ? {}
      : { templateRequiredOutside: Duration.decode(fields.templateRequiredOutside) })
  })

/**
 * Whether the channel can send this kind of content.
 *
 * @since 0.1.0
 * @category predicates
 */
export const sends = (capabilities: Capabilities, kind: Content.ContentKind): boolean =>
  capabilities.outbound.includes(kind)

/**
 * Whether the channel reports the given status.
 *
 * @since 0.1.0
 * @category predicates
 */
export const reports = (capabilities: Capabilities, status: ReceiptKind): boolean =>
  capabilities.receipts.includes(status)

/**
 * Checks content against the channel's capabilities: its kind, and the text length limit for text and
 * captions. Performs no I/O.
 *
 * @since 0.1.0
 * @category validation
 */
export const check = (
  capabilities: Capabilities,
  content: Content.Outbound
): Effect.Effect<void, UnsupportedContent | InvalidMessage> => {
  if (!sends(capabilities, content._tag)) {
    return Effect.fail(
      new UnsupportedContent({
        channel: capabilities.channel,
        content: content._tag,
        message: `${capabilities.channel} cannot send ${content._tag} content (it sends ${
          capabilities.outbound.join(", ")
        })`
      })
    )
  }
  const limit = capabilities.maxTextLength
  if (limit !== undefined) {
    const text = content._tag === "Text"
      ? content.text
      : "caption" in content && content.caption !== undefined
      ? content.caption
      : undefined
    if (text !== undefined && text.length > limit) {
      return Effect.fail(
        new InvalidMessage({
          channel: capabilities.channel,
          field: content._tag === "Text" ? "content.text" : "content.caption",
          message: `${capabilities.channel} accepts at most ${limit} characters; this text has ${text.length}`
        })
      )
    }
  }
  return Effect.void
}
