/**
 * One person, with every address the channels may need: a phone number (SMS, WhatsApp, Viber), a Facebook
 * Messenger page-scoped id (PSID), a Viber id. A channel takes the address it needs, or fails with
 * `Unaddressable`, which routing treats as "skip this step".
 *
 * @example
 * ```ts
 * import { Recipient } from "@switchboard/core"
 * import { Effect } from "effect"
 *
 * const program = Effect.gen(function*() {
 *   const alice = yield* Recipient.fromPhone("+31612345678")
 *   const both = Recipient.make({ phone: alice.phone, messengerId: "5234567890123456" })
 *   return Recipient.address(both, "messenger") // Option.some("5234567890123456")
 * })
 * ```
 *
 * @since 0.1.0
 */
import * as Effect from "effect/Effect"
import * as Option from "effect/Option"
import * as Schema from "effect/Schema"
import { AddressKind } from "./Address.js"
import type { InvalidMessage } from "./ChannelError.js"
import * as Phone from "./Phone.js"

/**
 * The kinds of address a channel can need.
 *
 * @since 0.1.0
 * @category models
 */
export { AddressKind } from "./Address.js"

/**
 * @since 0.1.0
 * @category models
 */
export class Recipient extends Schema.Class<Recipient>("@switchboard/core/Recipient")({
  /** E.164 phone number. */
  phone: Schema.optional(Phone.E164),
  /** Facebook Messenger page-scoped id (PSID). */
  messengerId: Schema.optional(Schema.NonEmptyTrimmedString),
  /** Viber user id, where the provider addresses Viber users by id. */
  viberId: Schema.optional(Schema.NonEmptyTrimmedString)
}) {}

/**
 * Builds a recipient from already-validated addresses.
 *
 * @since 0.1.0
 * @category constructors
 */
export const make = (addresses: {
  readonly phone?: Phone.E164 | undefined
  readonly messengerId?: string | undefined
  readonly viberId?: string | undefined
}): Recipient =>
  new Recipient({
    ...(addresses.phone === undefined ? {} : { phone: addresses.phone }),
    ...(addresses.messengerId === undefined ? {} : { messengerId: addresses.messengerId }),
    ...(addresses.viberId === undefined ? {} : { viberId: addresses.viberId })
  })

/**
 * Parses a phone number (see `Phone.parse`) into a recipient.
 *
 * @since 0.1.0
 * @category constructors
 */
export const fromPhone = (input: string, defaultCountry?: string): Effect.Effect<Recipient, InvalidMessage> =>
  Effect.map(Phone.parse(input, defaultCountry), (phone) => new Recipient({ phone }, Phone.isE164(phone)))

/**
 * The address of the given kind, if the recipient has one.
 *
 * @since 0.1.0
 * @category getters
 */
export const address = (recipient: Recipient, kind: AddressKind): Option.Option<string> => {
  switch (kind) {
    case "phone":
      return Option.fromNullable(recipient.phone)
    case "messenger":
      return Option.fromNullable(recipient.messengerId)
    case "viber":
      return Option.fromNullable(recipient.viberId)
  }
}

/**
 * The address kinds the recipient has.
 *
 * @since 0.1.0
 * @category getters
 */
export const addressKinds = (recipient: Recipient): ReadonlyArray<AddressKind> =>
  AddressKind.literals.filter((kind) => Option.isSome(address(recipient, kind)))
