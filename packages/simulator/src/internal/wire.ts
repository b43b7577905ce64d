/**
 * Wire formats whose keys are not valid identifiers (hyphens, dots), as Schemas with `fromKey` renames.
 *
 * @internal
 */
import * as Schema from "effect/Schema"

const key = <K extends string>(name: K) => Schema.propertySignature(Schema.String).pipe(Schema.fromKey(name))
const optionalKey = <K extends string>(name: K) =>
  Schema.optional(Schema.String).pipe(Schema.fromKey(name))

/** KPN's Apigee token body: every value is a string. */
export const KpnToken = Schema.Struct({
  refreshTokenExpiresIn: key("refresh_token_expires_in"),
  apiProductList: key("api_product_list"),
  apiProductListJson: Schema.propertySignature(Schema.Array(Schema.String)).pipe(Schema.fromKey("api_product_list_json")),
  organizationName: key("organization_name"),
  developerEmail: key("developer.email"),
  tokenType: key("token_type"),
  issuedAt: key("issued_at"),
  clientId: key("client_id"),
  accessToken: key("access_token"),
  applicationName: key("application_name"),
  scope: Schema.String,
  expiresIn: key("expires_in"),
  refreshCount: key("refresh_count"),
  status: Schema.String
})

export const encodeKpnToken = Schema.encodeSync(KpnToken)

/** One accepted part in a Vonage SMS response. */
export const SmsPart = Schema.Struct({
  to: Schema.String,
  messageId: key("message-id"),
  status: Schema.String,
  remainingBalance: key("remaining-balance"),
  messagePrice: key("message-price"),
  network: Schema.String,
  clientRef: optionalKey("client-ref"),
  accountRef: optionalKey("account-ref")
})

/** A refused message in a Vonage SMS response. */
export const SmsFailure = Schema.Struct({
  status: Schema.String,
  errorText: key("error-text")
})

/** The Vonage SMS response (`message-count` is a string). */
export const SmsResponse = Schema.Struct({
  messageCount: key("message-count"),
  messages: Schema.Array(Schema.Union(SmsPart, SmsFailure))
})

/**
 * `Schema.encodeSync(SmsResponse)` written out: the same keys in the same order, without the per-call cost
 * of the Schema interpreter on the hot path (the tests check it against the Schema).
 */
export const encodeSmsResponse = (response: typeof SmsResponse.Type): typeof SmsResponse.Encoded => ({
  "message-count": response.messageCount,
  messages: response.messages.map((message): typeof SmsPart.Encoded | typeof SmsFailure.Encoded =>
    "errorText" in message
      ? { status: message.status, "error-text": message.errorText }
      : {
        to: message.to,
        "message-id": message.messageId,
        status: message.status,
        "remaining-balance": message.remainingBalance,
        "message-price": message.messagePrice,
        network: message.network,
        ...(message.clientRef === undefined ? {} : { "client-ref": message.clientRef }),
        ...(message.accountRef === undefined ? {} : { "account-ref": message.accountRef })
      }
  )
})

/** The Vonage SMS delivery receipt, before signing. */
export const DeliveryReceipt = Schema.Struct({
  msisdn: Schema.String,
  to: Schema.String,
  networkCode: key("network-code"),
  messageId: Schema.String,
  price: Schema.String,
  status: Schema.String,
  scts: Schema.String,
  errCode: key("err-code"),
  apiKey: key("api-key"),
  clientRef: optionalKey("client-ref"),
  messageTimestamp: key("message-timestamp")
})

/** `Schema.encodeSync(DeliveryReceipt)` written out (the tests check it against the Schema). */
export const encodeDeliveryReceipt = (receipt: typeof DeliveryReceipt.Type): typeof DeliveryReceipt.Encoded => ({
  msisdn: receipt.msisdn,
  to: receipt.to,
  "network-code": receipt.networkCode,
  messageId: receipt.messageId,
  price: receipt.price,
  status: receipt.status,
  scts: receipt.scts,
  "err-code": receipt.errCode,
  "api-key": receipt.apiKey,
  ...(receipt.clientRef === undefined ? {} : { "client-ref": receipt.clientRef }),
  "message-timestamp": receipt.messageTimestamp
})

/** The Vonage inbound SMS webhook, before signing. */
export const InboundSms = Schema.Struct({
  apiKey: key("api-key"),
  msisdn: Schema.String,
  to: Schema.String,
  messageId: Schema.String,
  text: Schema.String,
  type: Schema.String,
  keyword: Schema.String,
  messageTimestamp: key("message-timestamp"),
  concat: Schema.optional(Schema.String),
  concatRef: optionalKey("concat-ref"),
  concatTotal: optionalKey("concat-total"),
  concatPart: optionalKey("concat-part")
})

export const encodeInboundSms = Schema.encodeSync(InboundSms)

/** `2026-01-31 14:05:09`, Vonage's `message-timestamp` (UTC). */
export const vonageTimestamp = (millis: number): string => new Date(millis).toISOString().slice(0, 19).replace("T", " ")

/** `YYMMDDHHMM`, the DLR's `scts`. */
export const scts = (millis: number): string => {
  const iso = new Date(millis).toISOString()
  return iso.slice(2, 4) + iso.slice(5, 7) + iso.slice(8, 10) + iso.slice(11, 13) + iso.slice(14, 16)
}

/** A price or balance as Vonage prints it: eight decimals. */
export const money = (amount: number): string => amount.toFixed(8)
