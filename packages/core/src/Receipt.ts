/**
 * What a provider returned when it accepted a message: its message ids (one per SMS part), the part count,
 * the price and remaining balance when it says, the network, and when it was accepted.
 *
 * @example
 * ```ts
 * import { Receipt } from "@switchboard/core"
 * import { DateTime } from "effect"
 *
 * const receipt = new Receipt.Receipt({
 *   channel: "sms.vonage",
 *   messageId: "order-1234" as any,
 *   providerMessageIds: ["0A0000000123ABCD1"],
 *   parts: 1,
 *   price: "0.03330000",
 *   currency: "EUR",
 *   remainingBalance: "3.14159265",
 *   network: "20404",
 *   acceptedAt: DateTime.unsafeMake("2026-01-01T00:00:00Z")
 * })
 * ```
 *
 * @since 0.1.0
 */
import * as Schema from "effect/Schema"
import { MessageId } from "./Message.js"

/**
 * A decimal amount as the provider wrote it (`"0.03330000"`), kept as text so no precision is lost.
 *
 * @since 0.1.0
 * @category models
 */
export const Amount = Schema.String.pipe(
  Schema.pattern(/^-?\d+(?:\.\d+)?$/, { message: () => "expected a decimal amount such as 0.0333" })
)

/**
 * @since 0.1.0
 * @category models
 */
export class Receipt extends Schema.Class<Receipt>("@switchboard/core/Receipt")({
  channel: Schema.String,
  messageId: MessageId,
  /** The provider's ids: one per SMS part; one for other channels. */
  providerMessageIds: Schema.NonEmptyArray(Schema.String),
  parts: Schema.Int.pipe(Schema.positive()),
  price: Schema.optional(Amount),
  currency: Schema.optional(Schema.String),
  remainingBalance: Schema.optional(Amount),
  network: Schema.optional(Schema.String),
  acceptedAt: Schema.DateTimeUtc
}) {}
