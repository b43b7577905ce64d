/**
 * Checks recorded requests and responses against a provider's OpenAPI 3 or Swagger 2 definition.
 *
 * `load` reads a definition from a file (YAML or JSON), resolves its `$ref`s offline with
 * `@apidevtools/swagger-parser` and gives you your own copy of it, so a test may patch a known mistake in a
 * vendor's definition without touching other tests. `requestErrors`, `responseErrors` and `schemaErrors`
 * validate with `openapi-request-validator` and `openapi-response-validator` and return readable errors
 * (`"body text: must have required property 'text'"`), none when the value is valid — so a test asserts
 * `deepStrictEqual(errors, [])` and a failure shows what is wrong. Operations are named as in
 * `MockHttpClient.routes`: `"POST /v1/messages"`, with the route as the definition writes it
 * (`"/sms/{format}"`).
 *
 * @example
 * ```ts
 * import { assert, it } from "@effect/vitest"
 * import { MockHttpClient, OpenApiValidator } from "@switchboard/testing"
 * import { Effect } from "effect"
 *
 * declare const sent: MockHttpClient.RecordedRequest // a request your adapter made
 *
 * it.effect("the request is valid against the provider's definition", () =>
 *   Effect.gen(function*() {
 *     const spec = yield* OpenApiValidator.load(new URL("./fixtures/messages.yml", import.meta.url))
 *     const errors = OpenApiValidator.requestErrors(spec, "POST /v1/messages", {
 *       headers: sent.headers,
 *       body: MockHttpClient.bodyJson(sent)
 *     })
 *     assert.deepStrictEqual(errors, [])
 *     // a negative control: the validator does check
 *     assert.isNotEmpty(OpenApiValidator.requestErrors(spec, "POST /v1/messages", { headers: sent.headers, body: {} }))
 *   }))
 * ```
 *
 * @since 0.1.0
 */
import type SwaggerParserModule from "@apidevtools/swagger-parser"
import * as Effect from "effect/Effect"
import * as Schema from "effect/Schema"
import { createRequire } from "node:module"
import * as path from "node:path"
import { fileURLToPath } from "node:url"

// The parser and the validators are CommonJS modules, required on first use so that importing the kit does
// not load them (and Ajv) into every test file. Their `default` export is the class.
const require = createRequire(import.meta.url)
const interop = <A>(module: unknown): A =>
  (typeof module === "function" ? module : (module as { readonly default: unknown }).default) as A

type Constructor<A> = new(args: any) => A
interface Libraries {
  readonly parser: typeof SwaggerParserModule
  readonly RequestValidator: Constructor<{ validateRequest(request: unknown): ValidationResult | undefined }>
  readonly ResponseValidator: Constructor<{ validateResponse(status: number, body: unknown): ValidationResult | undefined }>
}
let libraries: Libraries | undefined
const lib = (): Libraries =>
  libraries ??= {
    parser: interop(require("@apidevtools/swagger-parser")),
    RequestValidator: interop(require("openapi-request-validator")),
    ResponseValidator: interop(require("openapi-response-validator"))
  }

interface ValidationResult {
  readonly errors?: ReadonlyArray<{ readonly location?: string; readonly path?: string; readonly message: string }>
  readonly message?: string
}

/**
 * A definition with its `$ref`s resolved: the parsed YAML or JSON, as plain objects.
 *
 * @since 0.1.0
 * @category models
 */
export type Document = Record<string, any>

/**
 * One operation object of a `Document`: `document.paths["/v1/messages"].post`, or a callback's or a
 * webhook's operation.
 *
 * @since 0.1.0
 * @category models
 */
export type Operation = Record<string, any>

/**
 * The definition could not be read, parsed or resolved (or, with `validate: true`, is not a valid
 * OpenAPI 3 / Swagger 2 document).
 *
 * @since 0.1.0
 * @category errors
 */
export class OpenApiError extends Schema.TaggedError<OpenApiError>("@switchboard/testing/OpenApiValidator/OpenApiError")(
  "OpenApiError",
  {
    file: Schema.String,
    message: Schema.String
  }
) {}

/**
 * @since 0.1.0
 * @category models
 */
export interface LoadOptions {
  /**
   * Also check the definition itself against the OpenAPI 3 / Swagger 2 schema (slower: a few hundred
   * milliseconds). Default `false`: the definition is only parsed and resolved.
   */
  readonly validate?: boolean | undefined
}

const cache = new Map<string, Promise<Document>>()

/**
 * Reads a definition: a file path (relative to the working directory, which vitest sets to the package's
 * folder) or a `file:` URL (`new URL("./fixtures/spec.yml", import.meta.url)`, independent of it).
 *
 * Each file is parsed once per test file; every call returns a fresh deep copy, so patching the result
 * (a vendor's mistake, a stricter constraint) stays local to the caller.
 *
 * @since 0.1.0
 * @category constructors
 */
export const load = (file: string | URL, options?: LoadOptions): Effect.Effect<Document, OpenApiError> => {
  const resolved = typeof file === "string" ? path.resolve(file) : fileURLToPath(file)
  const validate = options?.validate === true
  const key = `${validate ? "validated" : "parsed"}:${resolved}`
  return Effect.tryPromise({
    try: () => {
      let document = cache.get(key)
      if (document === undefined) {
        // validate() checks the document against the OpenAPI / Swagger schema and returns it dereferenced
        const { parser } = lib()
        document = (validate ? parser.validate(resolved) : parser.dereference(resolved)) as Promise<Document>
        document.catch(() => cache.delete(key))
        cache.set(key, document)
      }
      return document
    },
    catch: (cause) =>
      new OpenApiError({ file: resolved, message: cause instanceof Error ? cause.message : String(cause) })
  }).pipe(Effect.map((document) => structuredClone(document)))
}

/**
 * The operation `"METHOD /route"` of a definition, with the parameters declared on its path item merged in
 * (the operation's own win). Throws when the definition has no such operation: a mistyped route must not
 * make a negative control pass.
 *
 * @since 0.1.0
 * @category getters
 */
export const operation = (document: Document, name: string): Operation => {
  const match = /^([A-Za-z]+)\s+(\S+)$/.exec(name.trim())
  if (match === null) throw new Error(`"${name}" does not name an operation: write "POST /v1/messages"`)
  const method = match[1]!.toLowerCase()
  const route = match[2]!
  const pathItem = document["paths"]?.[route]
  const op = pathItem?.[method]
  if (op === undefined) throw new Error(`the definition has no ${method.toUpperCase()} ${route}`)
  const shared: ReadonlyArray<Record<string, any>> = pathItem["parameters"] ?? []
  // Swagger 2's `consumes` may sit on the document
  const consumes = op["consumes"] ?? document["consumes"]
  if (shared.length === 0 && consumes === op["consumes"]) return op
  const own: ReadonlyArray<Record<string, any>> = op["parameters"] ?? []
  const inherited = shared.filter((parameter) =>
    !own.some((mine) => mine["name"] === parameter["name"] && mine["in"] === parameter["in"])
  )
  return {
    ...op,
    ...(shared.length === 0 ? {} : { parameters: [...inherited, ...own] }),
    ...(consumes === undefined ? {} : { consumes })
  }
}

/**
 * A request as the validators see it. Give the body decoded: the parsed JSON, or the form's fields
 * (`MockHttpClient.bodyJson(request)`, `MockHttpClient.bodyForm(request)`).
 *
 * @since 0.1.0
 * @category models
 */
export interface Request {
  readonly headers?: Readonly<Record<string, string | undefined>> | undefined
  readonly body?: unknown
  readonly query?: Readonly<Record<string, string | ReadonlyArray<string>>> | undefined
  /** The path parameters (`{ format: "json" }` for `/sms/{format}`). */
  readonly params?: Readonly<Record<string, string>> | undefined
}

/**
 * @since 0.1.0
 * @category models
 */
export interface RequestOptions {
  /**
   * Coerce values to the declared types before checking them, as a server parsing a query string or a form
   * body does (they travel as strings). Default `false`: leave it off for JSON bodies, where `"1"` for a
   * number is a mistake.
   */
  readonly coerce?: boolean | undefined
}

const requestErrorsOf = (op: Operation, request: Request, options?: RequestOptions): ReadonlyArray<string> => {
  const headers: Record<string, string> = {}
  for (const [name, value] of Object.entries(request.headers ?? {})) {
    if (value !== undefined) headers[name.toLowerCase()] = value
  }
  const parameters: ReadonlyArray<Record<string, any>> = op["parameters"] ?? []
  const validator = new (lib().RequestValidator)({
    parameters,
    ...(op["requestBody"] === undefined ? {} : { requestBody: op["requestBody"] }),
    ajvOptions: options?.coerce === true ? { coerceTypes: true } : {}
  })
  const result = validator.validateRequest({
    headers,
    // the validator fills in declared defaults: give it a copy
    body: request.body === undefined ? undefined : structuredClone(request.body),
    query: { ...request.query },
    params: { ...request.params }
  })
  const errors = (result?.errors ?? []).map((error) => format([error.location, error.path], error.message))
  // OpenAPI 3 request bodies are matched by media type; for Swagger 2, check `consumes` here
  const consumes: ReadonlyArray<string> = op["consumes"] ?? []
  const hasBody = parameters.some((parameter) => parameter["in"] === "body" || parameter["in"] === "formData")
  if (hasBody && consumes.length > 0) {
    const type = (headers["content-type"] ?? "").split(";")[0]!.trim().toLowerCase()
    if (!consumes.some((accepted) => accepted.toLowerCase() === type)) {
      errors.push(`headers content-type: "${type}" is not one of ${consumes.join(", ")}`)
    }
  }
  return errors
}

const format = (where: ReadonlyArray<string | undefined>, message: string): string => {
  const prefix = where.filter((part) => part !== undefined && part !== "").join(" ")
  return prefix === "" ? message : `${prefix}: ${message}`
}

/**
 * The errors of a request against an operation — its parameters (path, query, headers), its body (OpenAPI 3
 * `requestBody` by media type, Swagger 2 `body` / `formData` parameters and `consumes`) — as
 * `"<location> <path>: <message>"` strings; none when the request is valid.
 *
 * Name the operation in a definition (`requestErrors(spec, "POST /v1/messages", request)`) or pass an
 * operation object (`requestErrors(callback, request)`: a callback's, a webhook's, or one you patched).
 *
 * @since 0.1.0
 * @category validation
 */
export const requestErrors: {
  (document: Document, operation: string, request: Request, options?: RequestOptions): ReadonlyArray<string>
  (operation: Operation, request: Request, options?: RequestOptions): ReadonlyArray<string>
} = (...args: ReadonlyArray<any>): ReadonlyArray<string> =>
  typeof args[1] === "string"
    ? requestErrorsOf(operation(args[0], args[1]), args[2], args[3])
    : requestErrorsOf(args[0], args[1], args[2])

const responseErrorsOf = (op: Operation, status: number, body: unknown): ReadonlyArray<string> => {
  const validator = new (lib().ResponseValidator)({ responses: op["responses"] ?? {} })
  // the validator may fill in declared defaults: give it a copy
  const result = validator.validateResponse(status, body === undefined ? undefined : structuredClone(body))
  if (result === undefined) return []
  const errors = result.errors ?? []
  return errors.length === 0
    ? [result.message ?? `status ${status}: invalid`]
    : errors.map((error) => format([error.path], error.message))
}

/**
 * The errors of a response body against what an operation declares for `status` (or its `default`), as
 * `"<path>: <message>"` strings; none when it is valid. A status the operation does not declare, with no
 * `default`, is an error.
 *
 * @since 0.1.0
 * @category validation
 */
export const responseErrors: {
  (document: Document, operation: string, status: number, body: unknown): ReadonlyArray<string>
  (operation: Operation, status: number, body: unknown): ReadonlyArray<string>
} = (...args: ReadonlyArray<any>): ReadonlyArray<string> =>
  typeof args[1] === "string"
    ? responseErrorsOf(operation(args[0], args[1]), args[2], args[3])
    : responseErrorsOf(args[0], args[1], args[2])

/**
 * The errors of a JSON value against one schema of a definition (`spec.components.schemas.InboundMessage`),
 * with OpenAPI 3's keywords (`nullable`, …); none when it is valid.
 *
 * @since 0.1.0
 * @category validation
 */
export const schemaErrors = (schema: Record<string, any>, value: unknown): ReadonlyArray<string> =>
  requestErrorsOf(
    { requestBody: { required: true, content: { "application/json": { schema } } } },
    { headers: { "content-type": "application/json" }, body: value }
  )
