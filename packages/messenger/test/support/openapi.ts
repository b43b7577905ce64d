/**
 * Request validation against the OpenAPI definitions copied into test/fixtures/specs (see ORIGIN.md), with
 * the libraries the simulator's tests use: `@apidevtools/swagger-parser` resolves the `$ref`s offline and
 * `openapi-request-validator` checks the bodies.
 */
import SwaggerParser from "@apidevtools/swagger-parser"
import * as Effect from "effect/Effect"
import * as path from "node:path"
import OpenAPIRequestValidatorModule from "openapi-request-validator"

// A CommonJS module with a `default` export: depending on the loader's interop, the default import is the
// class or the module object holding it.
const interop = <A>(module: { readonly default: A }): A =>
  (typeof module === "function" ? module : module.default) as A
const OpenAPIRequestValidator = interop(OpenAPIRequestValidatorModule)

const specs = path.join(__dirname, "..", "fixtures", "specs")

type Document = Record<string, any>

const cache = new Map<string, Promise<Document>>()

/** A dereferenced definition from test/fixtures/specs. */
export const load = (file: string): Effect.Effect<Document> =>
  Effect.promise(() => {
    let spec = cache.get(file)
    if (spec === undefined) {
      spec = SwaggerParser.dereference(path.join(specs, file)) as Promise<Document>
      cache.set(file, spec)
    }
    return spec
  })

/** The validation errors of a request against an operation (empty when valid). */
export const requestErrors = (
  spec: Document,
  route: string,
  method: string,
  request: {
    readonly headers: Record<string, string>
    readonly body?: unknown
    readonly query?: Record<string, string>
    readonly params?: Record<string, string>
  },
  options: { readonly coerce?: boolean } = {}
): ReadonlyArray<string> => {
  const pathItem = spec["paths"]?.[route]
  const op = pathItem?.[method]
  if (op === undefined) throw new Error(`no ${method.toUpperCase()} ${route} in the definition`)
  const validator = new OpenAPIRequestValidator({
    parameters: [...(pathItem["parameters"] ?? []), ...(op["parameters"] ?? [])],
    ...(op["requestBody"] === undefined ? {} : { requestBody: op["requestBody"] }),
    // query parameters travel as strings: coerce them to the declared types, as a server does
    ajvOptions: options.coerce === true ? { coerceTypes: true } : {}
  } as any)
  const result = validator.validateRequest({
    headers: request.headers,
    body: request.body === undefined ? undefined : structuredClone(request.body),
    query: request.query ?? {},
    params: request.params ?? {}
  } as any)
  return result === undefined
    ? []
    : result.errors.map((error: any) => `${error.path ?? error.location}: ${error.message}`)
}
