/**
 * @since 0.1.0
 */

/**
 * Viber Service Messages over Vonage's Messages API.
 *
 * @since 0.1.0
 */
export * as ViberChannel from "./ViberChannel.js"
