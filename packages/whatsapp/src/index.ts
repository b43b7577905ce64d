/**
 * @since 0.1.0
 */

/**
 * WhatsApp's 24-hour customer care window: who wrote when (memory; SQL in `SqlConversationWindow`).
 *
 * @since 0.1.0
 */
export * as ConversationWindow from "./ConversationWindow.js"

/**
 * The WhatsApp channel over Vonage's Messages API.
 *
 * @since 0.1.0
 */
export * as WhatsAppChannel from "./WhatsAppChannel.js"
