import { SignatureError } from "../SignatureError.js"

/** @internal */
export const missing = (message: string): SignatureError => new SignatureError({ reason: "Missing", message })
/** @internal */
export const malformed = (message: string): SignatureError => new SignatureError({ reason: "Malformed", message })
/** @internal */
export const mismatch = (message: string): SignatureError => new SignatureError({ reason: "Mismatch", message })
/** @internal */
export const expired = (message: string): SignatureError => new SignatureError({ reason: "Expired", message })
