/**
 * The OTLP exporter settings as the OpenTelemetry specification defines their environment variables, so
 * an operator can reuse what their collector's documentation says.
 */

// RFC 9110's token: the characters a header name may have.
const HEADER_NAME = /^[!#$%&'*+.^_`|~0-9A-Za-z-]+$/;

/**
 * `OTEL_EXPORTER_OTLP_HEADERS`: `key=value` pairs separated by commas, each value URL-decoded, blanks
 * around keys and values ignored. A pair without `=`, a key that is no header name, or a value that does
 * not decode is an error that names the pair by its position (never its text: it is usually a token).
 */
export function parseOtlpHeaders(text: string): { headers: Record<string, string> } | { error: string } {
  const headers: Record<string, string> = {};
  for (const [index, pair] of text.split(",").entries()) {
    if (pair.trim() === "") continue;
    const equals = pair.indexOf("=");
    const key = pair.slice(0, Math.max(equals, 0)).trim();
    if (equals < 0 || !HEADER_NAME.test(key))
      return { error: `entry ${index + 1} is not a key=value pair whose key is a header name` };
    try {
      headers[key.toLowerCase()] = decodeURIComponent(pair.slice(equals + 1).trim());
    } catch {
      return { error: `the value of entry ${index + 1} is not URL-encoded text` };
    }
  }
  return { headers };
}

/**
 * Where spans go: `OTEL_EXPORTER_OTLP_TRACES_ENDPOINT` as it is, else `v1/traces` under
 * `OTEL_EXPORTER_OTLP_ENDPOINT`; undefined when neither is set, which turns tracing off.
 */
export function tracesEndpoint(endpoint: string | undefined, tracesOnly: string | undefined) {
  if (tracesOnly) return tracesOnly;
  if (!endpoint) return undefined;
  return `${endpoint}${endpoint.endsWith("/") ? "" : "/"}v1/traces`;
}
