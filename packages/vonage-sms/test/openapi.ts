/**
 * Request validation against the official definitions in test/fixtures/openapi (see ORIGIN.md), with the
 * libraries the simulator's tests use: `@apidevtools/swagger-parser` resolves `$ref`s offline,
 * `openapi-request-validator` checks requests (OpenAPI 3.0 request bodies and Swagger 2.0 form parameters).
 */
import SwaggerParser from "@apidevtools/swagger-parser"
import * as Effect from "effect/Effect"
import * as path from "node:path"
import OpenAPIRequestValidatorModule from "openapi-request-validator"
import { fixturesDir } from "./helpers.js"

// A CommonJS module: the default import is the class or the module object holding it, depending on interop.
type Validator = new(args: unknown) => { validateRequest(request: unknown): { errors: Array<any> } | undefined }
const OpenAPIRequestValidator: Validator = typeof OpenAPIRequestValidatorModule === "function"
  ? OpenAPIRequestValidatorModule as unknown as Validator
  : (OpenAPIRequestValidatorModule as unknown as { default: Validator }).default

export type Document = Record<string, any>

/** A dereferenced copy of a definition (each call parses the file again, so changes stay local). */
export const load = (file: string): Effect.Effect<Document> =>
  Effect.promise(() => SwaggerParser.dereference(path.join(fixturesDir, "openapi", file)) as Promise<Document>)

export interface Request {
  readonly headers: Record<string, string>
  /** The form body, decoded. */
  readonly body: Record<string, string>
  readonly params?: Record<string, string>
  readonly query?: Record<string, string>
}

/**
 * The errors of a request against an operation (empty when it is valid). Form values travel as strings and
 * are coerced to the declared types, as a form parser does.
 */
export const requestErrors = (operation: Document, request: Request): ReadonlyArray<string> => {
  const validator = new OpenAPIRequestValidator({
    parameters: operation["parameters"] ?? [],
    ...(operation["requestBody"] === undefined ? {} : { requestBody: operation["requestBody"] }),
    ajvOptions: { coerceTypes: true }
  })
  const result = validator.validateRequest({
    headers: request.headers,
    body: structuredClone(request.body),
    params: request.params ?? {},
    query: request.query ?? {}
  })
  return result === undefined
    ? []
    : result.errors.map((error: any) => `${error.location ?? ""} ${error.path ?? ""}: ${error.message}`)
}
