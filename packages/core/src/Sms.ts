/**
 * SMS encoding and segmenting: whether a text fits the GSM 7-bit default alphabet (3GPP TS 23.038, the
 * "GSM 03.38" basic table plus its extension table) or must be sent as UCS-2, how long it is in the units
 * the network counts, and exactly how it is cut into the parts of a concatenated SMS.
 *
 * - **GSM-7**: one part holds 160 septets; a multi-part message carries a user data header, leaving 153
 *   septets a part. The extension characters `€ [ ] { } ~ ^ | \` and form feed are sent as an escape
 *   septet followed by the character, so they count two septets, and a pair is never split across parts
 *   (a part may then hold 152 septets).
 * - **UCS-2**: as soon as one character is outside both tables. One part holds 70 UTF-16 code units, a
 *   multi-part message 67 a part. Characters outside the Basic Multilingual Plane (most emoji) take two
 *   code units, a surrogate pair, which is never split across parts (a part may then hold 66 code units).
 *   Providers send such text as UTF-16, which is what every handset expects.
 *
 * Parts are filled greedily, as the networks and the providers (Vonage, KPN) do. The count is what a
 * provider bills and what `Receipt.parts` reports.
 *
 * An empty text is one part of length 0: providers accept and bill an empty SMS as one message (Vonage
 * bills it as one part), so `segments("")` is `[""]`.
 *
 * The national language shift tables of TS 23.038 (Turkish, Spanish, Portuguese, Indian languages) are not
 * used: Vonage's `type=text` covers the default alphabet's standard and extension tables and anything else
 * needs `type=unicode`, so a character outside them means UCS-2 here too. Nothing is transliterated: `ç`
 * is not `Ç`, a curly quote is not `'`.
 *
 * @example
 * ```ts
 * import { Sms } from "@switchboard/core"
 *
 * Sms.analyze("Your code is 123456")
 * // { encoding: "GSM-7", segments: 1, length: 19, charactersPerSegment: 160, remaining: 141, unicodeCharacters: [] }
 *
 * Sms.analyze("Price: 10€") // € is an extension character: length 11 septets
 *
 * Sms.analyze("See you at 10 😀")
 * // { encoding: "UCS-2", segments: 1, length: 16, charactersPerSegment: 70, remaining: 54, unicodeCharacters: ["😀"] }
 *
 * Sms.segments("a".repeat(161)) // ["a" × 153, "a" × 8]
 * Sms.isGsm7("Grüße") // true: ü and ß are in the GSM alphabet
 * ```
 *
 * @since 0.1.0
 */
import * as Schema from "effect/Schema"

/**
 * The characters of the GSM 7-bit default alphabet's basic table, in septet order (0x00 to 0x7F), without
 * the escape septet 0x1B.
 *
 * @since 0.1.0
 * @category constants
 */
export const basicCharacters: string = "@£$¥èéùìòÇ\nØø\rÅåΔ_ΦΓΛΩΠΨΣΘΞÆæßÉ" +
  " !\"#¤%&'()*+,-./0123456789:;<=>?" +
  "¡ABCDEFGHIJKLMNOPQRSTUVWXYZÄÖÑÜ§" +
  "¿abcdefghijklmnopqrstuvwxyzäöñüà"

/**
 * The characters of the GSM 7-bit extension table: form feed, `^ { } \ [ ~ ] |` and `€`. Each is sent as
 * the escape septet followed by its code, so each counts two septets.
 *
 * @since 0.1.0
 * @category constants
 */
export const extensionCharacters: string = "\f^{}\\[~]|€"

const septetsByCodeUnit: ReadonlyMap<number, 1 | 2> = new Map<number, 1 | 2>([
  ...Array.from(basicCharacters, (char) => [char.charCodeAt(0), 1] as const),
  ...Array.from(extensionCharacters, (char) => [char.charCodeAt(0), 2] as const)
])

/**
 * How a text is encoded on the air interface.
 *
 * @since 0.1.0
 * @category schemas
 */
export const Encoding = Schema.Literal("GSM-7", "UCS-2")

/**
 * @since 0.1.0
 * @category models
 */
export type Encoding = typeof Encoding.Type

/**
 * What `analyze` finds out about a text.
 *
 * @since 0.1.0
 * @category schemas
 */
export const Analysis = Schema.Struct({
  encoding: Encoding,
  /** The number of parts the text is sent (and billed) as; at least 1. */
  segments: Schema.Int.pipe(Schema.positive()),
  /** Septets for GSM-7 (extension characters count two), UTF-16 code units for UCS-2. */
  length: Schema.Int.pipe(Schema.nonNegative()),
  /** The capacity of one part in the units of `length`: 160 or 153 (GSM-7), 70 or 67 (UCS-2). */
  charactersPerSegment: Schema.Literal(160, 153, 70, 67),
  /**
   * Units still free in the last part before another part is needed, counted in the units of `length`.
   * An extension character or a surrogate pair needs two of them.
   */
  remaining: Schema.Int.pipe(Schema.nonNegative()),
  /** The distinct characters that forced UCS-2, in order of first appearance; empty for GSM-7. */
  unicodeCharacters: Schema.Array(Schema.String)
})

/**
 * @since 0.1.0
 * @category models
 */
export type Analysis = typeof Analysis.Type

/**
 * The capacity of a part, by encoding, for a single-part and a multi-part message.
 *
 * @since 0.1.0
 * @category constants
 */
export const limits: {
  readonly [E in Encoding]: { readonly single: 160 | 70; readonly multi: 153 | 67 }
} = {
  "GSM-7": { single: 160, multi: 153 },
  "UCS-2": { single: 70, multi: 67 }
}

/**
 * The number of septets a character takes in GSM-7: 1 for the basic table, 2 for the extension table,
 * 0 when it is not in the GSM alphabet. `char` is one character (one code point).
 *
 * @since 0.1.0
 * @category getters
 */
export const septets = (char: string): 0 | 1 | 2 =>
  char.length === 1 ? septetsByCodeUnit.get(char.charCodeAt(0)) ?? 0 : 0

/**
 * Whether the whole text can be sent in the GSM 7-bit alphabet (basic or extension table).
 *
 * @since 0.1.0
 * @category predicates
 */
export const isGsm7 = (text: string): boolean => {
  for (let i = 0; i < text.length; i++) {
    if (!septetsByCodeUnit.has(text.charCodeAt(i))) return false
  }
  return true
}

/**
 * Where a text's parts begin. Texts are walked by code point (a lone surrogate is a character of its own),
 * so a surrogate pair is never cut; in GSM-7 an extension character is one code unit worth two septets, so
 * its escape pair is never cut either.
 */
interface Plan {
  readonly encoding: Encoding
  readonly length: number
  readonly unicodeCharacters: ReadonlyArray<string>
  /** Code unit offsets where each part after the first starts. */
  readonly breaks: ReadonlyArray<number>
  /** Units used in the last part. */
  readonly lastPartLength: number
}

const plan = (text: string): Plan => {
  const encoding: Encoding = isGsm7(text) ? "GSM-7" : "UCS-2"
  const unicodeCharacters: Array<string> = []
  if (encoding === "UCS-2") {
    const seen = new Set<string>()
    for (const char of text) {
      if (septets(char) === 0 && !seen.has(char)) {
        seen.add(char)
        unicodeCharacters.push(char)
      }
    }
  }

  const unitsOf = encoding === "GSM-7"
    ? (char: string): number => septets(char)
    : (char: string): number => char.length

  let length = 0
  for (const char of text) length += unitsOf(char)

  const { multi, single } = limits[encoding]
  if (length <= single) {
    return { encoding, length, unicodeCharacters, breaks: [], lastPartLength: length }
  }

  const breaks: Array<number> = []
  let offset = 0
  let used = 0
  for (const char of text) {
    const units = unitsOf(char)
    if (used + units > multi) {
      breaks.push(offset)
      used = 0
    }
    used += units
    offset += char.length
  }
  return { encoding, length, unicodeCharacters, breaks, lastPartLength: used }
}

/**
 * Analyzes a text: its encoding, its length in the encoding's units, how many parts it is sent as, the
 * capacity of a part, the room left in the last part, and the characters that forced UCS-2.
 *
 * @example
 * ```ts
 * import { Sms } from "@switchboard/core"
 *
 * const { encoding, segments, unicodeCharacters } = Sms.analyze("Café ☕")
 * // "UCS-2", 1, ["☕"]  (é is GSM-7; ☕ is not)
 * ```
 *
 * @since 0.1.0
 * @category analysis
 */
export const analyze = (text: string): Analysis => {
  const { breaks, encoding, lastPartLength, length, unicodeCharacters } = plan(text)
  const segments = breaks.length + 1
  const charactersPerSegment = segments === 1 ? limits[encoding].single : limits[encoding].multi
  return {
    encoding,
    segments,
    length,
    charactersPerSegment,
    remaining: charactersPerSegment - lastPartLength,
    unicodeCharacters
  }
}

/**
 * The parts the text is sent as, in order; joined, they are the text. An empty text is one empty part.
 *
 * @since 0.1.0
 * @category analysis
 */
export const segments = (text: string): ReadonlyArray<string> => {
  const { breaks } = plan(text)
  const parts: Array<string> = []
  let start = 0
  for (const end of breaks) {
    parts.push(text.slice(start, end))
    start = end
  }
  parts.push(text.slice(start))
  return parts
}

/**
 * The number of parts the text is sent (and billed) as.
 *
 * @since 0.1.0
 * @category analysis
 */
export const countSegments = (text: string): number => plan(text).breaks.length + 1
