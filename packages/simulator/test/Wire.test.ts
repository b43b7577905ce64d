import { assert, describe, it } from "@effect/vitest"
import * as FastCheck from "effect/FastCheck"
import * as Schema from "effect/Schema"
import * as Wire from "../src/internal/wire.js"

// The hot path writes the SMS response and the delivery receipt by hand; they must stay what the Schemas
// (the documented wire formats) encode, byte for byte once serialised.

const text = FastCheck.string()
const optionalText = FastCheck.option(FastCheck.string(), { nil: undefined })

const part = FastCheck.record({
  to: text,
  messageId: text,
  status: text,
  remainingBalance: text,
  messagePrice: text,
  network: text,
  clientRef: optionalText,
  accountRef: optionalText
}, { requiredKeys: ["to", "messageId", "status", "remainingBalance", "messagePrice", "network"] })

const refusal = FastCheck.record({ status: text, errorText: text })

describe("wire encoders", () => {
  it.prop(
    "encodeSmsResponse is Schema.encodeSync(SmsResponse)",
    [FastCheck.record({ messageCount: text, messages: FastCheck.array(FastCheck.oneof(part, refusal), { maxLength: 4 }) })],
    ([response]) => {
      assert.strictEqual(
        JSON.stringify(Wire.encodeSmsResponse(response)),
        JSON.stringify(Schema.encodeSync(Wire.SmsResponse)(response))
      )
    }
  )

  it.prop(
    "encodeDeliveryReceipt is Schema.encodeSync(DeliveryReceipt)",
    [FastCheck.record({
      msisdn: text,
      to: text,
      networkCode: text,
      messageId: text,
      price: text,
      status: text,
      scts: text,
      errCode: text,
      apiKey: text,
      clientRef: optionalText,
      messageTimestamp: text
    }, { requiredKeys: ["msisdn", "to", "networkCode", "messageId", "price", "status", "scts", "errCode", "apiKey", "messageTimestamp"] })],
    ([receipt]) => {
      assert.strictEqual(
        JSON.stringify(Wire.encodeDeliveryReceipt(receipt)),
        JSON.stringify(Schema.encodeSync(Wire.DeliveryReceipt)(receipt))
      )
    }
  )
})
