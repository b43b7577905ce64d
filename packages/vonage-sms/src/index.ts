/**
 * @since 0.1.0
 */

/**
 * Where the parts of a multi-part inbound SMS wait for each other (memory; SQL in `SqlConcatStore`).
 *
 * @since 0.1.0
 */
export * as ConcatStore from "./ConcatStore.js"

/*** Vonage SMS as a `Channel`: text (GSM-7 or unicode), binary, every advanced field, receipts per part.
 *
 * @since 0.1.0
 */
export * as VonageSmsChannel from "./VonageSmsChannel.js"

/*** The transport: direct (Basic, key/secret or signed) or through KPN's gateway, rate limited.
 *
 * @since 0.1.0
 */
export * as VonageSmsClient from "./VonageSmsClient.js"

/*** Vonage SMS status codes and delivery receipt error codes, as tables mapped to errors and states.
 *
 * @since 0.1.0
 */
export * as VonageSmsCodes from "./VonageSmsCodes.js"

/*** Delivery receipts and inbound SMS webhooks, verified and parsed into events.
 *
 * @since 0.1.0
 */
export * as VonageSmsWebhook from "./VonageSmsWebhook.js"
