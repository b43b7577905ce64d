/**
 * Validates recorded requests against KPN's "SMS - KPN" 1.0.6 definition (swagger 2.0) with the same
 * libraries the simulator's tests use: `@apidevtools/swagger-parser` (validate + dereference) and
 * `openapi-request-validator`.
 */
import SwaggerParser from "@apidevtools/swagger-parser"
import RequestValidator from "openapi-request-validator"
import type { OpenAPIV2 } from "openapi-types"
import * as path from "node:path"
import { fixturesDir } from "./kpn.js"

// a CommonJS module with `exports.default`: Node's ESM loader and Vite disagree on what the default import is
const OpenAPIRequestValidator = ((RequestValidator as any).default ?? RequestValidator) as typeof RequestValidator.default

export interface SendOperation {
  /** `basePath` + `/send`: `/communication/kpn/sms/send`. */
  readonly path: string
  readonly host: string
  /**
   * The problems with a request (none when it is valid). `bearer: false` skips the bearer token check, for
   * requests recorded with their credentials redacted.
   */
  readonly validate: (
    request: {
      readonly method: string
      readonly headers: Readonly<Record<string, string>>
      readonly body: string
      readonly query: Readonly<Record<string, string>>
    },
    options?: { readonly bearer?: boolean }
  ) => ReadonlyArray<string>
}

export const loadSendOperation = async (): Promise<SendOperation> => {
  const file = path.join(fixturesDir, "kpn-sms-openapi.yml")
  // validate() checks the document against the Swagger 2.0 schema and returns it dereferenced
  const api = (await SwaggerParser.validate(file)) as OpenAPIV2.Document
  const operation = api.paths["/send"]!.post!
  const validator = new OpenAPIRequestValidator({
    parameters: operation.parameters as any,
    ajvOptions: { strict: false }
  })
  return {
    path: `${api.basePath}/send`,
    host: api.host!,
    validate: (request, options) => {
      const headers: Record<string, string> = { ...request.headers }
      const result = validator.validateRequest({
        headers,
        body: request.body.length === 0 ? undefined : JSON.parse(request.body),
        query: request.query,
        params: {}
      })
      const problems: Array<string> = []
      if (result !== undefined) {
        for (const error of result.errors ?? []) problems.push(`${error.location ?? ""} ${error.path ?? ""}: ${error.message}`)
      }
      const consumes = (operation.consumes ?? api.consumes ?? []) as ReadonlyArray<string>
      const type = (headers["content-type"] ?? "").split(";")[0]!.trim()
      if (consumes.length > 0 && !consumes.includes(type)) problems.push(`content-type ${type} is not one of ${consumes}`)
      if (request.method !== "POST") problems.push(`method ${request.method} is not POST`)
      if (options?.bearer !== false && !/^Bearer \S+$/.test(headers["authorization"] ?? "")) {
        problems.push("no OAuth2 bearer token")
      }
      return problems
    }
  }
}
