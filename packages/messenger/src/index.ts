/**
 * @since 0.1.0
 */

/**
 * Facebook Messenger over Vonage's Messages API.
 *
 * @since 0.1.0
 */
export * as MessengerChannel from "./MessengerChannel.js"
