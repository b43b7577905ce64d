/**
 * @since 0.1.0
 */

/**
 * Vonage's Applications API: the Messages application and its `inbound_url` and `status_url`.
 *
 * @since 0.1.0
 */
export * as Applications from "./Applications.js"

/**
 * The Messages API error codes (1000–1450) and the `ChannelError` each becomes.
 *
 * @since 0.1.0
 */
export * as ErrorCode from "./ErrorCode.js"

/**
 * The send building blocks the WhatsApp, Viber and Messenger channels share.
 *
 * @since 0.1.0
 */
export * as MessagesChannel from "./MessagesChannel.js"

/**
 * The Messages API transport client: v1 direct to Vonage or the v0.1 shape through KPN.
 *
 * @since 0.1.0
 */
export * as VonageMessagesClient from "./VonageMessagesClient.js"

/**
 * Status and inbound webhooks of the Messages API, v1 (signed) and v0.1.
 *
 * @since 0.1.0
 */
export * as VonageMessagesWebhook from "./VonageMessagesWebhook.js"
