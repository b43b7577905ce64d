/**
 * A message someone sent to us, normalized across channels: who sent it, to which of our numbers or pages,
 * on which channel, its content, the provider's ids and when it arrived. Multi-part SMS are reassembled
 * before they are emitted; a set whose parts never all arrived is emitted with `incomplete: true`.
 *
 * @example
 * ```ts
 * import { Content, InboundMessage } from "@switchboard/core"
 * import { DateTime } from "effect"
 *
 * const inbound = new InboundMessage.InboundMessage({
 *   channel: "whatsapp",
 *   providerMessageId: "aaaaaaaa-bbbb-cccc-dddd-0123456789ab",
 *   from: "447700900000",
 *   to: "447700900001",
 *   content: Content.text("Yes, 10:30 works"),
 *   receivedAt: DateTime.unsafeMake("2026-01-01T10:00:00Z")
 * })
 * ```
 *
 * @since 0.1.0
 */
import * as Schema from "effect/Schema"
import * as Content from "./Content.js"

/**
 * @since 0.1.0
 * @category models
 */
export class InboundMessage extends Schema.TaggedClass<InboundMessage>("@switchboard/core/InboundMessage")(
  "InboundMessage",
  {
    channel: Schema.String,
    /** The provider's id of the message (of the first part, for a multi-part SMS). */
    providerMessageId: Schema.String,
    /** Every part's id, for a reassembled multi-part SMS. */
    providerMessageIds: Schema.optional(Schema.Array(Schema.String)),
    /** The sender's address: a phone number (without `+`, as most providers send it), a PSID, a Viber id. */
    from: Schema.String,
    /** Our number, page or service id the message was sent to. */
    to: Schema.String,
    content: Content.Inbound,
    receivedAt: Schema.DateTimeUtc,
    /** The provider's keyword field (the first word, upper-cased), where it sends one. */
    keyword: Schema.optional(Schema.String),
    /** True when a multi-part message is emitted without all of its parts. */
    incomplete: Schema.optional(Schema.Boolean),
    /** The id of the message this one replies to, where the channel says. */
    inReplyTo: Schema.optional(Schema.String)
  }
) {}
