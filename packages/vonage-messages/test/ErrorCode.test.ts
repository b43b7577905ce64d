import { assert, describe, it } from "@effect/vitest"
import * as ErrorCode from "../src/ErrorCode.js"

type Expected =
  | "RateLimited"
  | "ProviderUnavailable"
  | "InvalidMessage"
  | "UnsupportedContent"
  | "AuthenticationFailed"
  | `Rejected/${"InvalidRecipient" | "BlockedRecipient" | "InsufficientCredit" | "InvalidSender" | "ContentRefused" | "NotPermitted" | "Other"}`

// The x-errors table of the v1 definition (1.4.0), code by code, with the error each one must become.
const expected: ReadonlyArray<readonly [number, string, Expected]> = [
  [1000, "Throttled", "RateLimited"],
  [1010, "Missing params", "InvalidMessage"],
  [1020, "Invalid params", "InvalidMessage"],
  [1021, "Invalid tag", "InvalidMessage"],
  [1022, "Invalid template", "InvalidMessage"],
  [1030, "Internal error", "ProviderUnavailable"],
  [1040, "Invalid message", "InvalidMessage"],
  [1050, "Number barred", "Rejected/BlockedRecipient"],
  [1060, "Partner account barred", "Rejected/NotPermitted"],
  [1070, "Partner quota exceeded", "Rejected/InsufficientCredit"],
  [1080, "Account not enabled for REST", "Rejected/NotPermitted"],
  [1090, "Message too long", "InvalidMessage"],
  [1100, "Communication Failed", "ProviderUnavailable"],
  [1120, "Illegal Sender Address - rejected", "Rejected/InvalidSender"],
  [1130, "Invalid TTL", "InvalidMessage"],
  [1140, "Facility not allowed", "Rejected/NotPermitted"],
  [1150, "Invalid Message class", "InvalidMessage"],
  [1160, "Non White-listed Destination", "Rejected/NotPermitted"],
  [1170, "Invalid or Missing Msisdn Param", "Rejected/InvalidRecipient"],
  [1180, "Absent Subscriber Temporary", "ProviderUnavailable"],
  [1190, "Absent Subscriber Permanent", "Rejected/InvalidRecipient"],
  [1200, "Portability Error", "Rejected/InvalidRecipient"],
  [1210, "Anti-Spam Rejection", "Rejected/ContentRefused"],
  [1220, "Handset Busy", "ProviderUnavailable"],
  [1230, "Network Error", "ProviderUnavailable"],
  [1240, "Illegal Number", "Rejected/BlockedRecipient"],
  [1241, "Too many send requests", "RateLimited"],
  [1250, "Unroutable", "Rejected/InvalidRecipient"],
  [1260, "Destination unreachable", "Rejected/InvalidRecipient"],
  [1270, "Subscriber Age Restriction", "Rejected/ContentRefused"],
  [1280, "Number Blocked by Carrier", "Rejected/BlockedRecipient"],
  [1290, "Pre-Paid - Insufficient funds", "Rejected/Other"],
  [1300, "Not part of the provider network", "Rejected/InvalidRecipient"],
  [1310, "Not suitable device", "Rejected/InvalidRecipient"],
  [1320, "Message already sent", "Rejected/Other"],
  [1330, "Unknown", "Rejected/Other"],
  [1331, "Provider error", "ProviderUnavailable"],
  [1340, "Outside of the allowed window", "Rejected/NotPermitted"],
  [1350, "Phone matching fee not paid", "Rejected/NotPermitted"],
  [1360, "TTL was activated", "Rejected/Other"],
  [1370, "Expired access Token", "AuthenticationFailed"],
  [1380, "Invalid resource", "InvalidMessage"],
  [1381, "Resource size is too large", "InvalidMessage"],
  [1382, "Resource type is invalid", "InvalidMessage"],
  [1400, "Unsupported channel", "Rejected/NotPermitted"],
  [1410, "Invalid channel parameters", "InvalidMessage"],
  [1420, "Invalid sender", "Rejected/InvalidSender"],
  [1430, "Invalid recipient", "Rejected/InvalidRecipient"],
  [1440, "Invalid message type", "UnsupportedContent"],
  [1450, "Invalid client reference", "InvalidMessage"]
]

const describeError = (error: ReturnType<typeof ErrorCode.toChannelError>): string =>
  error._tag === "Rejected" ? `Rejected/${error.rejection}` : error._tag

describe("ErrorCode", () => {
  it("documents exactly the codes of the definitions' x-errors table", () => {
    assert.deepStrictEqual(ErrorCode.entries.map((entry) => entry.code), expected.map(([code]) => code))
  })

  for (const [code, title, kind] of expected) {
    it(`${code} ${title} → ${kind}`, () => {
      assert.strictEqual(ErrorCode.title(code), title)
      const error = ErrorCode.toChannelError({ channel: "whatsapp", code, text: "as Vonage said it", content: "Text" })
      assert.strictEqual(describeError(error), kind)
      assert.strictEqual(error.providerCode, String(code))
      assert.strictEqual(error.providerText, "as Vonage said it")
      assert.strictEqual(error.channel, "whatsapp")
      assert.include(error.message, String(code))
      assert.strictEqual(error.retryable, kind === "RateLimited" || kind === "ProviderUnavailable")
    })
  }

  it("keeps the retry-after hint of a throttling code", () => {
    const error = ErrorCode.toChannelError({ channel: "viber", code: 1000, retryAfterMillis: 2000 })
    assert.strictEqual(error._tag, "RateLimited")
    assert.strictEqual(error._tag === "RateLimited" ? error.retryAfterMillis : undefined, 2000)
    assert.strictEqual(error.providerText, "Throttled")
  })

  it("turns 1440 into InvalidMessage when the content kind is not known", () => {
    assert.strictEqual(ErrorCode.toChannelError({ channel: "viber", code: 1440 })._tag, "InvalidMessage")
  })

  it("treats an undocumented code as a rejection", () => {
    const error = ErrorCode.toChannelError({ channel: "messenger", code: 1999 })
    assert.strictEqual(describeError(error), "Rejected/Other")
    assert.strictEqual(error.providerCode, "1999")
  })

  it("finds a code by its documented title, as v0.1 error bodies name errors", () => {
    assert.strictEqual(ErrorCode.fromTitle("Outside of the allowed window"), 1340)
    assert.strictEqual(ErrorCode.fromTitle("Outsideoftheallowedwindow"), 1340)
    assert.strictEqual(ErrorCode.fromTitle("THROTTLED"), 1000)
    assert.strictEqual(ErrorCode.fromTitle("Invalid Parameters"), undefined)
    assert.strictEqual(ErrorCode.fromTitle(""), undefined)
    assert.strictEqual(ErrorCode.fromTitle(1340), undefined)
    for (const entry of ErrorCode.entries) {
      const found = ErrorCode.fromTitle(entry.title)
      assert.strictEqual(ErrorCode.title(found!), entry.title)
    }
  })

  it("parses codes as numbers, numeric strings and RFC 7807 type fragments", () => {
    assert.strictEqual(ErrorCode.parse(1000), 1000)
    assert.strictEqual(ErrorCode.parse("1000"), 1000)
    assert.strictEqual(ErrorCode.parse(" 1250 "), 1250)
    assert.strictEqual(ErrorCode.parse("https://developer.nexmo.com/api-errors/messages-olympus#1010"), 1010)
    assert.strictEqual(ErrorCode.parse("https://developer.vonage.com/api-errors/messages#1150"), 1150)
    assert.strictEqual(ErrorCode.parse("https://developer.nexmo.com/api-errors/#low-balance"), undefined)
    assert.strictEqual(ErrorCode.parse("Rate Limit Hit"), undefined)
    assert.strictEqual(ErrorCode.parse(10.5), undefined)
    assert.strictEqual(ErrorCode.parse(null), undefined)
  })
})
