/**
 * What a message carries, as a tagged union shared by every channel. Outbound content is one of `Text`,
 * `Image`, `Audio`, `Video`, `File`, `Template`, `Custom` (provider passthrough) and `Binary` (SMS user data
 * header + body); inbound adds `Location` and `Unsupported`.
 *
 * @example
 * ```ts
 * import { Content } from "@switchboard/core"
 *
 * const hello = Content.text("Your code is 123456")
 * const photo = Content.image("https://example.com/p.jpg", { caption: "Your parcel" })
 * const reminder = Content.template("appointment_reminder", ["Alice", "10:30"], { locale: "en_GB" })
 * Content.kind(photo) // "Image"
 * ```
 *
 * @since 0.1.0
 */
import * as Schema from "effect/Schema"

const Url = Schema.NonEmptyTrimmedString.annotations({ description: "An absolute http(s) URL" }).pipe(
  Schema.filter((s) => /^https?:\/\/\S+$/i.test(s) || `expected an http(s) URL, got "${s}"`)
)

const Hex = Schema.String.pipe(
  Schema.filter((s) => (/^(?:[0-9a-fA-F]{2})*$/.test(s)) || "expected an even-length hexadecimal string")
)

/**
 * @since 0.1.0
 * @category models
 */
export class Text extends Schema.TaggedClass<Text>("@switchboard/core/Content/Text")("Text", {
  text: Schema.String.pipe(Schema.minLength(1, { message: () => "the text is empty" }))
}) {}

/**
 * @since 0.1.0
 * @category models
 */
export class Image extends Schema.TaggedClass<Image>("@switchboard/core/Content/Image")("Image", {
  url: Url,
  caption: Schema.optional(Schema.String)
}) {}

/**
 * @since 0.1.0
 * @category models
 */
export class Audio extends Schema.TaggedClass<Audio>("@switchboard/core/Content/Audio")("Audio", {
  url: Url,
  caption: Schema.optional(Schema.String)
}) {}

/**
 * @since 0.1.0
 * @category models
 */
export class Video extends Schema.TaggedClass<Video>("@switchboard/core/Content/Video")("Video", {
  url: Url,
  caption: Schema.optional(Schema.String)
}) {}

/**
 * @since 0.1.0
 * @category models
 */
export class File extends Schema.TaggedClass<File>("@switchboard/core/Content/File")("File", {
  url: Url,
  caption: Schema.optional(Schema.String),
  name: Schema.optional(Schema.String)
}) {}

/**
 * A pre-approved template (WhatsApp message templates, Viber templates). `policy` is WhatsApp's language
 * policy; `deterministic` is the only one WhatsApp still accepts.
 *
 * @since 0.1.0
 * @category models
 */
export class Template extends Schema.TaggedClass<Template>("@switchboard/core/Content/Template")("Template", {
  name: Schema.NonEmptyTrimmedString,
  parameters: Schema.Array(Schema.String),
  locale: Schema.optional(Schema.String),
  policy: Schema.optional(Schema.Literal("deterministic"))
}) {}

/**
 * A provider-specific payload passed through as is (for example a WhatsApp interactive message). The
 * adapter documents what it expects.
 *
 * @since 0.1.0
 * @category models
 */
export class Custom extends Schema.TaggedClass<Custom>("@switchboard/core/Content/Custom")("Custom", {
  payload: Schema.Record({ key: Schema.String, value: Schema.Unknown })
}) {}

/**
 * A binary SMS: optional user data header and body, both hexadecimal.
 *
 * @since 0.1.0
 * @category models
 */
export class Binary extends Schema.TaggedClass<Binary>("@switchboard/core/Content/Binary")("Binary", {
  body: Hex,
  udh: Schema.optional(Hex),
  protocolId: Schema.optional(Schema.Int.pipe(Schema.between(0, 255)))
}) {}

/**
 * A shared location (inbound only).
 *
 * @since 0.1.0
 * @category models
 */
export class Location extends Schema.TaggedClass<Location>("@switchboard/core/Content/Location")("Location", {
  latitude: Schema.Number.pipe(Schema.between(-90, 90)),
  longitude: Schema.Number.pipe(Schema.between(-180, 180)),
  name: Schema.optional(Schema.String),
  address: Schema.optional(Schema.String),
  url: Schema.optional(Schema.String)
}) {}

/**
 * Inbound content the provider could not represent (a sticker, a contact card a channel does not support).
 * `description` says what it was, when the provider tells.
 *
 * @since 0.1.0
 * @category models
 */
export class Unsupported extends Schema.TaggedClass<Unsupported>("@switchboard/core/Content/Unsupported")(
  "Unsupported",
  {
    description: Schema.optional(Schema.String)
  }
) {}

/**
 * Content that can be sent.
 *
 * @since 0.1.0
 * @category schemas
 */
export const Outbound = Schema.Union(Text, Image, Audio, Video, File, Template, Custom, Binary)

/**
 * Whether a value is outbound content: an instance of one of `Outbound`'s classes (validated when it was
 * built).
 *
 * @since 0.1.0
 * @category guards
 */
export const isOutbound = (u: unknown): u is Outbound =>
  u instanceof Text || u instanceof Image || u instanceof Audio || u instanceof Video || u instanceof File ||
  u instanceof Template || u instanceof Custom || u instanceof Binary

/**
 * @since 0.1.0
 * @category models
 */
export type Outbound = typeof Outbound.Type

/**
 * Content that can be received.
 *
 * @since 0.1.0
 * @category schemas
 */
export const Inbound = Schema.Union(Text, Image, Audio, Video, File, Location, Template, Custom, Binary, Unsupported)

/**
 * @since 0.1.0
 * @category models
 */
export type Inbound = typeof Inbound.Type

/**
 * Any content.
 *
 * @since 0.1.0
 * @category models
 */
export type Content = Outbound | Inbound

/**
 * The kinds of content, by tag.
 *
 * @since 0.1.0
 * @category models
 */
export const ContentKind = Schema.Literal(
  "Text",
  "Image",
  "Audio",
  "Video",
  "File",
  "Template",
  "Custom",
  "Binary",
  "Location",
  "Unsupported"
)

/**
 * @since 0.1.0
 * @category models
 */
export type ContentKind = typeof ContentKind.Type

/**
 * @since 0.1.0
 * @category getters
 */
export const kind = (content: Content): ContentKind => content._tag

/**
 * @since 0.1.0
 * @category constructors
 */
export const text = (text: string): Text => new Text({ text }, typeof text === "string" && text.length > 0)

/**
 * @since 0.1.0
 * @category constructors
 */
export const image = (url: string, options?: { readonly caption?: string }): Image =>
  new Image({ url, ...options })

/**
 * @since 0.1.0
 * @category constructors
 */
export const audio = (url: string, options?: { readonly caption?: string }): Audio =>
  new Audio({ url, ...options })

/**
 * @since 0.1.0
 * @category constructors
 */
export const video = (url: string, options?: { readonly caption?: string }): Video =>
  new Video({ url, ...options })

/**
 * @since 0.1.0
 * @category constructors
 */
export const file = (url: string, options?: { readonly caption?: string; readonly name?: string }): File =>
  new File({ url, ...options })

/**
 * @since 0.1.0
 * @category constructors
 */
export const template = (
  name: string,
  parameters: ReadonlyArray<string> = [],
  options?: { readonly locale?: string; readonly policy?: "deterministic" }
): Template => new Template({ name, parameters, ...options })

/**
 * @since 0.1.0
 * @category constructors
 */
export const custom = (payload: Record<string, unknown>): Custom => new Custom({ payload })

/**
 * @since 0.1.0
 * @category constructors
 */
export const binary = (body: string, options?: { readonly udh?: string; readonly protocolId?: number }): Binary =>
  new Binary({ body, ...options })
