/**
 * Phone numbers in E.164, parsed and validated with libphonenumber-js (full metadata), plus KPN's rule for
 * the Dutch mobile numbers its SMS API accepts.
 *
 * @example
 * ```ts
 * import { Phone } from "@switchboard/core"
 * import { Effect } from "effect"
 *
 * const program = Effect.gen(function*() {
 *   const nl = yield* Phone.parse("06 12345678", "NL") // "+31612345678"
 *   const gb = yield* Phone.parse("+44 7911 123456")   // "+447911123456"
 *   return Phone.isDutchMobile(nl)                     // true
 * })
 * ```
 *
 * @since 0.1.0
 */
import * as Effect from "effect/Effect"
import * as Either from "effect/Either"
import * as ParseResult from "effect/ParseResult"
import * as Schema from "effect/Schema"
import { isSupportedCountry, parsePhoneNumberWithError } from "libphonenumber-js/max"
import { InvalidMessage } from "./ChannelError.js"

/**
 * A phone number in E.164 form: `+`, country code, national number, digits only.
 *
 * @since 0.1.0
 * @category models
 */
const e164Pattern = /^\+[1-9]\d{6,14}$/

export const E164 = Schema.String.pipe(
  Schema.pattern(e164Pattern, { message: () => "expected an E.164 phone number such as +31612345678" }),
  Schema.brand("@switchboard/core/Phone/E164")
)

/**
 * @since 0.1.0
 * @category models
 */
export type E164 = typeof E164.Type

/**
 * Whether a value is an E.164 phone number (the same check as `Schema.is(E164)`, without Schema).
 *
 * @since 0.1.0
 * @category predicates
 */
export const isE164 = (u: unknown): u is E164 => typeof u === "string" && e164Pattern.test(u)

const validate = (input: string, defaultCountry?: string): Either.Either<E164, string> => {
  const trimmed = input.trim()
  if (trimmed.length === 0) return Either.left("the phone number is empty")
  // a blank default country (an unset environment variable) means none
  const given = defaultCountry?.trim().toUpperCase()
  const country = given === undefined || given.length === 0 ? undefined : given
  if (country !== undefined && !isSupportedCountry(country)) {
    return Either.left(`"${defaultCountry}" is not a known country; give an ISO 3166-1 alpha-2 code such as "NL"`)
  }
  try {
    const parsed = parsePhoneNumberWithError(
      trimmed,
      country === undefined ? undefined : { defaultCountry: country }
    )
    if (!parsed.isValid()) {
      return Either.left(`"${trimmed}" is not a valid phone number${parsed.country ? ` for ${parsed.country}` : ""}`)
    }
    return Either.right(parsed.number as E164)
  } catch (error) {
    const code = error instanceof Error ? error.message : String(error)
    return Either.left(
      code === "INVALID_COUNTRY"
        ? `"${trimmed}" has no country code; write it as +<country><number> or give a default country`
        : code === "TOO_SHORT"
        ? `"${trimmed}" is too short to be a phone number`
        : code === "TOO_LONG"
        ? `"${trimmed}" is too long to be a phone number`
        : `"${trimmed}" is not a phone number`
    )
  }
}

/**
 * Parses a phone number written in national or international form into E.164.
 *
 * `defaultCountry` (ISO 3166-1 alpha-2, `"NL"`) is used when the input has no `+` country code.
 *
 * @since 0.1.0
 * @category parsing
 */
export const parse = (input: string, defaultCountry?: string): Effect.Effect<E164, InvalidMessage> =>
  Either.match(validate(input, defaultCountry), {
    onLeft: (message) => Effect.fail(new InvalidMessage({ channel: "core", message, field: "phone" })),
    onRight: Effect.succeed
  })

/**
 * Like {@link parse}, as an Either, for synchronous code.
 *
 * @since 0.1.0
 * @category parsing
 */
export const parseEither = (input: string, defaultCountry?: string): Either.Either<E164, InvalidMessage> =>
  Either.mapLeft(validate(input, defaultCountry), (message) =>
    new InvalidMessage({ channel: "core", message, field: "phone" }))

/**
 * A schema that decodes any written phone number (international form) into E.164, with the reason in the
 * parse error when it is not one.
 *
 * @since 0.1.0
 * @category schemas
 */
export const FromString: Schema.Schema<E164, string> = Schema.transformOrFail(Schema.String, Schema.typeSchema(E164), {
  strict: true,
  decode: (input, _, ast) =>
    Either.mapLeft(validate(input), (message) => new ParseResult.Type(ast, input, message)),
  encode: ParseResult.succeed
})

const dutchMobile = /^\+316[1-68]\d{7}$/
const dutchMachineToMachine = /^\+3197\d{9}$/

/**
 * KPN's rule for the Dutch mobile numbers its SMS API accepts: `+31 6…` except the 060, 067 and 069
 * ranges, plus the 097 (machine-to-machine) range.
 *
 * @since 0.1.0
 * @category predicates
 */
export const isDutchMobile = (e164: string): boolean => dutchMobile.test(e164) || dutchMachineToMachine.test(e164)
