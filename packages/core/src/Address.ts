/**
 * The kinds of address a channel can need from a recipient: a phone number (SMS, WhatsApp, Viber service
 * messages), a Facebook Messenger page-scoped id, a Viber user id.
 *
 * @example
 * ```ts
 * import { Address } from "@switchboard/core"
 *
 * Address.AddressKind.literals // ["phone", "messenger", "viber"]
 * ```
 *
 * @since 0.1.0
 */
import * as Schema from "effect/Schema"

/**
 * @since 0.1.0
 * @category models
 */
export const AddressKind = Schema.Literal("phone", "messenger", "viber")

/**
 * @since 0.1.0
 * @category models
 */
export type AddressKind = typeof AddressKind.Type
