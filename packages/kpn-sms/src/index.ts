/**
 * @since 0.1.0
 */

/**
 * KPN's SMS API as a Switchboard channel (`sms.kpn`): Dutch mobile numbers, checked before any I/O.
 *
 * @since 0.1.0
 */
export * as KpnSmsChannel from "./KpnSmsChannel.js"

/**
 * The transport client for KPN's SMS API: single calls, broadcasts in batches of 200, quota headers.
 *
 * @since 0.1.0
 */
export * as KpnSmsClient from "./KpnSmsClient.js"

/**
 * KPN's delivery report and inbound SMS webhooks, signature-verified.
 *
 * @since 0.1.0
 */
export * as KpnSmsWebhook from "./KpnSmsWebhook.js"
