/**
 * KPN's rules, checked before any I/O: Dutch mobile numbers only, a sender of at most 11 characters, a text
 * of 1 to 1000 characters, at most 200 message × recipient combinations a call.
 */
import { ChannelError, Phone } from "@switchboard/core"
import * as Either from "effect/Either"
import { channel } from "./errors.js"

/** @internal */
export const maxSenderLength = 11
/** @internal */
export const maxTextLength = 1000
/** @internal */
export const maxRecipientsPerCall = 200

/**
 * Normalizes a number written in any Dutch or international form (`06…`, `+316…`, `00316…`, `097…`) to
 * E.164 and checks KPN's rule. Malformed → `InvalidMessage`; a valid number KPN does not serve →
 * `Unaddressable`.
 *
 * @internal
 */
export const recipient = (
  input: string
): Either.Either<Phone.E164, ChannelError.InvalidMessage | ChannelError.Unaddressable> =>
  // E.164 that already meets KPN's rule (what the channel passes) is taken as it is, so the channel's
  // `validate` and its `send` always agree
  Phone.isDutchMobile(input) ? Either.right(input as Phone.E164) : Either.flatMap(
    Either.mapLeft(Phone.parseEither(input, "NL"), (error) =>
      new ChannelError.InvalidMessage({
        channel,
        field: "recipient.phone",
        message: `KPN SMS: ${error.message}`
      })),
    (e164) =>
      Phone.isDutchMobile(e164)
        ? Either.right(e164)
        : Either.left(unaddressable(e164))
  )

/** @internal */
export const unaddressable = (e164: string): ChannelError.Unaddressable =>
  new ChannelError.Unaddressable({
    channel,
    address: "phone",
    message: `KPN SMS only delivers to Dutch mobile numbers (+31 6…, except 060, 067 and 069, or +31 97…); ${
      mask(e164)
    } is not one`
  })

/** A number with its middle digits hidden, for messages and logs. */
export const mask = (e164: string): string =>
  e164.length <= 7 ? e164 : `${e164.slice(0, 5)}${"*".repeat(e164.length - 7)}${e164.slice(-2)}`

/** @internal */
export const sender = (value: string | undefined): Either.Either<void, ChannelError.InvalidMessage> => {
  if (value === undefined) return Either.void
  if (value.trim().length === 0) {
    return Either.left(
      new ChannelError.InvalidMessage({ channel, field: "sender", message: "KPN SMS: the sender is empty" })
    )
  }
  if ([...value].length > maxSenderLength) {
    return Either.left(
      new ChannelError.InvalidMessage({
        channel,
        field: "sender",
        message: `KPN SMS accepts a sender of at most ${maxSenderLength} characters; "${value}" has ${
          [...value].length
        }`
      })
    )
  }
  return Either.void
}

/** @internal */
export const text = (value: string): Either.Either<void, ChannelError.InvalidMessage> => {
  if (value.length === 0) {
    return Either.left(
      new ChannelError.InvalidMessage({ channel, field: "content.text", message: "KPN SMS: the text is empty" })
    )
  }
  if (value.length > maxTextLength) {
    return Either.left(
      new ChannelError.InvalidMessage({
        channel,
        field: "content.text",
        message: `KPN SMS accepts at most ${maxTextLength} characters; this text has ${value.length}`
      })
    )
  }
  return Either.void
}

/** @internal */
export const webhookUrl = (value: string | undefined): Either.Either<void, ChannelError.InvalidMessage> => {
  if (value === undefined) return Either.void
  let ok = false
  try {
    const url = new URL(value)
    ok = url.protocol === "https:" || url.protocol === "http:"
  } catch {
    ok = false
  }
  return ok ? Either.void : Either.left(
    new ChannelError.InvalidMessage({
      channel,
      field: "webhook_url",
      message: `KPN SMS needs an absolute http(s) webhook URL for delivery reports; got "${value}"`
    })
  )
}
