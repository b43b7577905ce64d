/**
 * @since 0.1.0
 */

/**
 * The kinds of address a channel can need.
 *
 * @since 0.1.0
 */
export * as Address from "./Address.js"

/**
 * What a channel can do, declared as data.
 *
 * @since 0.1.0
 */
export * as Capabilities from "./Capabilities.js"

/**
 * The channel contract and `Channel.make`.
 *
 * @since 0.1.0
 */
export * as Channel from "./Channel.js"

/**
 * The closed union of channel errors.
 *
 * @since 0.1.0
 */
export * as ChannelError from "./ChannelError.js"

/**
 * What a message carries.
 *
 * @since 0.1.0
 */
export * as Content from "./Content.js"

/**
 * Messages received from people.
 *
 * @since 0.1.0
 */
export * as InboundMessage from "./InboundMessage.js"

/**
 * Messages to send.
 *
 * @since 0.1.0
 */
export * as Message from "./Message.js"

/**
 * E.164 phone numbers.
 *
 * @since 0.1.0
 */
export * as Phone from "./Phone.js"

/**
 * What a provider returned when it accepted a message.
 *
 * @since 0.1.0
 */
export * as Receipt from "./Receipt.js"

/**
 * People and their addresses.
 *
 * @since 0.1.0
 */
export * as Recipient from "./Recipient.js"

/**
 * SMS encoding and segment counting.
 *
 * @since 0.1.0
 */
export * as Sms from "./Sms.js"

/**
 * Message statuses and their monotonic merge.
 *
 * @since 0.1.0
 */
export * as Status from "./Status.js"

/**
 * The webhook contract.
 *
 * @since 0.1.0
 */
export * as Webhook from "./Webhook.js"

/**
 * Webhook parsers on an `@effect/platform` HTTP server.
 *
 * @since 0.1.0
 */
export * as WebhookHttp from "./WebhookHttp.js"

/**
 * Timeouts for provider requests, cheap on the live clock.
 *
 * @since 0.1.0
 */
export * as Timeout from "./Timeout.js"
