import { assert, describe, it } from "@effect/vitest"
import * as Effect from "effect/Effect"
import * as Either from "effect/Either"
import * as fc from "effect/FastCheck"
import * as Schema from "effect/Schema"
import { InvalidMessage } from "../src/ChannelError.js"
import * as Phone from "../src/Phone.js"

const expectInvalid = (input: string, defaultCountry: string | undefined, fragment: string) =>
  Effect.gen(function*() {
    const error = yield* Effect.flip(Phone.parse(input, defaultCountry))
    assert.instanceOf(error, InvalidMessage)
    assert.strictEqual(error._tag, "InvalidMessage")
    assert.strictEqual(error.field, "phone")
    assert.strictEqual(error.channel, "core")
    assert.include(error.message, fragment)
  })

describe("Phone", () => {
  describe("parse", () => {
    const cases: ReadonlyArray<readonly [country: string, national: string, international: string, e164: string]> = [
      ["NL", "06 12345678", "+31 6 12345678", "+31612345678"],
      ["NL", "020 123 4567", "+31 20 123 4567", "+31201234567"],
      ["GB", "07911 123456", "+44 7911 123456", "+447911123456"],
      ["GB", "020 7946 0018", "+44 20 7946 0018", "+442079460018"],
      ["US", "(650) 253-0000", "+1 650-253-0000", "+16502530000"],
      ["US", "212 736 5000", "+1 (212) 736-5000", "+12127365000"],
      ["DE", "0151 23456789", "+49 151 23456789", "+4915123456789"],
      ["DE", "030 12345678", "+49 30 12345678", "+493012345678"]
    ]

    for (const [country, national, international, e164] of cases) {
      it.effect(`${country}: "${national}" with a default country`, () =>
        Effect.gen(function*() {
          assert.strictEqual(yield* Phone.parse(national, country), e164)
          // the default country is case-insensitive
          assert.strictEqual(yield* Phone.parse(national, country.toLowerCase()), e164)
        }))

      it.effect(`${country}: "${international}" in international form`, () =>
        Effect.gen(function*() {
          assert.strictEqual(yield* Phone.parse(international), e164)
          // a default country does not override an explicit country code
          assert.strictEqual(yield* Phone.parse(international, country === "NL" ? "DE" : "NL"), e164)
        }))
    }

    it.effect("accepts the usual ways of writing a number", () =>
      Effect.gen(function*() {
        assert.strictEqual(yield* Phone.parse("  +31612345678  "), "+31612345678")
        assert.strictEqual(yield* Phone.parse("06-1234-5678", "NL"), "+31612345678")
        assert.strictEqual(yield* Phone.parse("0031 6 12345678", "NL"), "+31612345678")
        assert.strictEqual(yield* Phone.parse("+31 (0)6 12345678"), "+31612345678")
      }))

    it.effect("refuses the Ofcom drama range, which libphonenumber's full metadata marks as unassigned", () =>
      expectInvalid("07700 900123", "GB", "not a valid phone number"))

    it.effect("refuses an empty number", () => expectInvalid("   ", "NL", "empty"))

    it.effect("refuses text that is not a number", () => expectInvalid("call me", undefined, "is not a phone number"))

    it.effect("asks for a country code when a national number has no default country", () =>
      expectInvalid("0612345678", undefined, "has no country code"))

    it.effect("names an unknown default country", () =>
      expectInvalid("0612345678", "XX", "\"XX\" is not a known country"))

    it.effect("treats a blank default country as none", () =>
      Effect.gen(function*() {
        assert.strictEqual(yield* Phone.parse("+31612345678", " "), "+31612345678")
        yield* expectInvalid("0612345678", "", "has no country code")
      }))

    it.effect("refuses a number too short for its country, naming the country", () =>
      expectInvalid("+31 6 1234", undefined, "not a valid phone number for NL"))

    it.effect("refuses a number that is too long", () =>
      expectInvalid("12345678901234567890", "NL", "too long"))

    it.effect("refuses an unassigned country code", () =>
      expectInvalid("+999 123456", undefined, "\"+999 123456\""))

    it("parseEither gives the same answers synchronously", () => {
      assert.deepStrictEqual(Phone.parseEither("06 12345678", "NL"), Either.right("+31612345678" as Phone.E164))
      const left = Phone.parseEither("nonsense")
      assert.isTrue(Either.isLeft(left) && left.left._tag === "InvalidMessage")
    })

    it.prop("never throws, and only returns E.164", [fc.string({ maxLength: 30 }), fc.option(fc.constantFrom("NL", "GB", "US", "DE", "xx", ""))], ([input, country]) => {
      const result = Phone.parseEither(input, country ?? undefined)
      if (Either.isRight(result)) assert.isTrue(Schema.is(Phone.E164)(result.right), result.right)
      else assert.isAbove(result.left.message.length, 0)
    })
  })

  describe("FromString", () => {
    it("decodes numbers in international form and explains failures", () => {
      assert.strictEqual(Schema.decodeUnknownSync(Phone.FromString)("+49 151 23456789"), "+4915123456789")
      const failure = Schema.decodeUnknownEither(Phone.FromString)("+31 6 1234")
      assert.isTrue(Either.isLeft(failure))
      if (Either.isLeft(failure)) assert.include(failure.left.message, "not a valid phone number")
    })

    it("E164 refuses anything but +digits", () => {
      assert.isTrue(Schema.is(Phone.E164)("+31612345678"))
      for (const bad of ["31612345678", "+0612345678", "+31 612345678", "+3161", "+1234567890123456"]) {
        assert.isFalse(Schema.is(Phone.E164)(bad), bad)
      }
    })
  })

  describe("isDutchMobile (KPN's rule)", () => {
    it("accepts +31 6 numbers", () => {
      for (const ok of ["+31612345678", "+31622222222", "+31651234567", "+31661234567", "+31681234567"]) {
        assert.isTrue(Phone.isDutchMobile(ok), ok)
      }
    })

    it("refuses the 060, 067 and 069 ranges", () => {
      for (const refused of ["+31601234567", "+31671234567", "+31691234567"]) {
        assert.isFalse(Phone.isDutchMobile(refused), refused)
      }
    })

    it("accepts the 097 machine-to-machine range with 9 digits after 97", () => {
      assert.isTrue(Phone.isDutchMobile("+3197012345678"))
      assert.isFalse(Phone.isDutchMobile("+319701234567"))
      assert.isFalse(Phone.isDutchMobile("+31970123456789"))
    })

    it("refuses landlines, foreign numbers and malformed input", () => {
      for (
        const refused of [
          "+31201234567", // Amsterdam landline
          "+31101234567", // Rotterdam landline
          "+31800123456", // free phone
          "+4915123456789", // German mobile
          "+447911123456", // UK mobile
          "+3161234567", // too short
          "+316123456789", // too long
          "0612345678", // national form
          "31612345678", // no plus
          ""
        ]
      ) {
        assert.isFalse(Phone.isDutchMobile(refused), refused)
      }
    })

    it.effect("agrees with parse for numbers written nationally", () =>
      Effect.gen(function*() {
        assert.isTrue(Phone.isDutchMobile(yield* Phone.parse("06 12345678", "NL")))
        assert.isTrue(Phone.isDutchMobile(yield* Phone.parse("097 012345678", "NL")))
        assert.isFalse(Phone.isDutchMobile(yield* Phone.parse("020 123 4567", "NL")))
      }))
  })
})
