/**
 * Validation against the official OpenAPI definitions copied into test/fixtures (see ORIGIN.md):
 * `@apidevtools/swagger-parser` resolves the `$ref`s offline, `openapi-request-validator` and
 * `openapi-response-validator` check requests, responses and webhook bodies (OpenAPI 3.0 and Swagger 2.0).
 */
import SwaggerParser from "@apidevtools/swagger-parser"
import * as Effect from "effect/Effect"
import * as path from "node:path"
import { fileURLToPath } from "node:url"
import OpenAPIRequestValidatorModule from "openapi-request-validator"
import OpenAPIResponseValidatorModule from "openapi-response-validator"

// The validators are CommonJS modules with a `default` export; depending on the loader's interop, the
// default import is the class or the module object holding it.
const interop = <A>(module: { readonly default: A }): A =>
  (typeof module === "function" ? module : module.default) as A
const OpenAPIRequestValidator = interop(OpenAPIRequestValidatorModule)
const OpenAPIResponseValidator = interop(OpenAPIResponseValidatorModule)

const fixtures = path.join(path.dirname(fileURLToPath(import.meta.url)), "..", "fixtures")

type Document = Record<string, any>

const cache = new Map<string, Promise<Document>>()

/**
 * Messages API 1.4.0 has a bug that makes every `read` status invalid: `messageStatusBase.status` lists
 * submitted, delivered, rejected and undeliverable, and the WhatsApp, Messenger and Viber schemas add
 * `read` to their own `status` enum, but both sit under one `allOf`, so both enums apply. This adds `read`
 * to the base enum and gives SMS and MMS their own enum without it, which is what the specification means
 * (see ORIGIN.md). Applied in memory; the fixture file stays as copied.
 */
export const fixReadStatus = (doc: Document): Document => {
  const schemas = doc["components"]["schemas"]
  schemas["messageStatusBase"]["properties"]["status"]["enum"] = ["submitted", "delivered", "rejected", "undeliverable", "read"]
  for (const name of ["messageStatusSMS", "messageStatusMMS"]) {
    schemas[name]["allOf"][1]["properties"]["status"] = { enum: ["submitted", "delivered", "rejected", "undeliverable"] }
  }
  return doc
}

/** A dereferenced specification from test/fixtures. */
export const load = (file: string): Effect.Effect<Document> =>
  Effect.promise(() => {
    let spec = cache.get(file)
    if (spec === undefined) {
      spec = SwaggerParser.dereference(path.join(fixtures, file)) as Promise<Document>
      cache.set(file, spec)
    }
    return spec
  })

const operation = (spec: Document, route: string, method: string): Document => {
  const op = spec["paths"]?.[route]?.[method]
  if (op === undefined) throw new Error(`no ${method.toUpperCase()} ${route} in the specification`)
  return op
}

export interface RequestToValidate {
  readonly headers: Record<string, string>
  readonly body: unknown
  readonly query?: Record<string, string>
  readonly params?: Record<string, string>
}

/** The validation errors of a request against an operation (empty when valid). */
export const requestErrors = (
  spec: Document,
  operationOrRoute: Document | string,
  method: string,
  request: RequestToValidate,
  options: { readonly coerce?: boolean } = {}
): ReadonlyArray<string> => {
  const op = typeof operationOrRoute === "string" ? operation(spec, operationOrRoute, method) : operationOrRoute
  const validator = new OpenAPIRequestValidator({
    parameters: op["parameters"] ?? [],
    ...(op["requestBody"] === undefined ? {} : { requestBody: op["requestBody"] }),
    // Form fields travel as strings: coerce them to the declared types, as a form parser does.
    ajvOptions: options.coerce === true ? { coerceTypes: true } : {}
  } as any)
  const result = validator.validateRequest({
    headers: request.headers,
    body: structuredClone(request.body),
    query: request.query ?? {},
    params: request.params ?? {}
  } as any)
  return result === undefined ? [] : result.errors.map((error: any) => `${error.path ?? error.location}: ${error.message}`)
}

/** The validation errors of a response against an operation (empty when valid). */
export const responseErrors = (
  spec: Document,
  operationOrRoute: Document | string,
  method: string,
  status: number,
  body: unknown
): ReadonlyArray<string> => {
  const op = typeof operationOrRoute === "string" ? operation(spec, operationOrRoute, method) : operationOrRoute
  const validator = new OpenAPIResponseValidator({
    responses: op["responses"],
    ...(spec["components"] === undefined ? {} : { components: spec["components"] }),
    ...(spec["definitions"] === undefined ? {} : { definitions: spec["definitions"] })
  } as any)
  const result = validator.validateResponse(status, structuredClone(body))
  return result === undefined ? [] : result.errors.map((error: any) => `${error.path}: ${error.message}`)
}

/** The validation errors of a webhook body against a callback or webhook operation's request body. */
export const webhookErrors = (callbackOperation: Document, body: unknown): ReadonlyArray<string> =>
  requestErrors({}, callbackOperation, "post", { headers: { "content-type": "application/json" }, body })

/** A JSON body against a schema (wrapped as a request body). */
export const schemaErrors = (schema: Document, body: unknown): ReadonlyArray<string> =>
  webhookErrors({ requestBody: { required: true, content: { "application/json": { schema } } } }, body)
