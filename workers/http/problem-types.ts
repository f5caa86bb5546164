/**
 * Every kind of error the API answers with, closed: a problem document's `type` is
 * `<origin>/problems/<key>`, and `GET /problems/<key>` explains it. Titles are the HTTP reason phrases the
 * API has always sent, so clients that read `title` see no change; `type` is what tells kinds apart.
 */
export const PROBLEM_TYPES = {
  "validation-error": {
    status: 400,
    title: "Invalid request",
    means: "One or more fields of the path, query, headers or body fail validation.",
    todo: "Read `errors`: each entry names a field (`body.email`, `query.limit`) and what is wrong with it. Fix those fields and send the request again.",
  },
  "bad-request": {
    status: 400,
    title: "Bad Request",
    means: "The request body could not be read at all, for example JSON that does not parse.",
    todo: "Send a body that is well-formed for its Content-Type.",
  },
  "invalid-invitation": {
    status: 400,
    title: "Invalid invitation",
    means: "The invitation token is unknown, expired, already used, or was sent to another email.",
    todo: "Ask an admin of the tenant for a new invitation to the email you register or sign in with.",
  },
  unauthenticated: {
    status: 401,
    title: "Unauthorized",
    means:
      "The route needs a caller, and no valid access token, session cookie or API key came with the request (or its account no longer exists).",
    todo: "Sign in (or refresh the session) and send the access token as `Authorization: Bearer`, or send an API key as `x-api-key`.",
  },
  "invalid-credentials": {
    status: 401,
    title: "Unauthorized",
    means: "The email and password do not match an account.",
    todo: "Check both and try again; after repeated failures the rate limit slows further attempts.",
  },
  "invalid-refresh-token": {
    status: 401,
    title: "Unauthorized",
    means:
      "No refresh token came with the request, or it is invalid, expired or revoked. Presenting a used token revokes its whole session.",
    todo: "Sign in again with email and password.",
  },
  "invalid-widget-key": {
    status: 401,
    title: "Unauthorized",
    means: "The publishable widget key is unknown or was revoked.",
    todo: "Embed the widget with a live key from `GET /api/v1/widget-keys`.",
  },
  "invalid-visitor-token": {
    status: 401,
    title: "Unauthorized",
    means: "The visitor token is invalid or belongs to another widget's tenant.",
    todo: "Open a visitor session first (`POST /api/v1/webchat/sessions`) and send its `visitor_token`.",
  },
  forbidden: {
    status: 403,
    title: "Forbidden",
    means:
      "The caller is known but may not do this: the role is too low, the API key lacks the scope, or the route is for signed-in people only.",
    todo: "Ask an admin or owner of the tenant for the role or scope the detail names, or sign in instead of using an API key.",
  },
  "cross-site-request": {
    status: 403,
    title: "Forbidden",
    means: "A request carrying a session cookie came from a page on an origin that may not use the session.",
    todo: "Call from this API's own origin or one in its allowed origins, or authenticate with a header instead of the cookie.",
  },
  "origin-not-allowed": {
    status: 403,
    title: "Forbidden",
    means: "The widget key may not be used from the page's origin.",
    todo: "Add the origin to the widget key's `allowed_origins` (`PATCH /api/v1/widget-keys/{id}`).",
  },
  "twilio-signature": {
    status: 403,
    title: "Forbidden",
    means:
      "The Twilio webhook request has no valid `X-Twilio-Signature`, or it names another Twilio account.",
    todo: "Point the webhook at the exact public URL Borde serves and check the deployment's Twilio account SID and auth token.",
  },
  "not-found": {
    status: 404,
    title: "Not Found",
    means:
      "No route matches the path, or no resource with this id exists in the caller's tenant (other tenants' ids answer the same).",
    todo: "Check the path and the id; list the collection to find existing ids.",
  },
  "method-not-allowed": {
    status: 405,
    title: "Method Not Allowed",
    means: "The path exists but does not take this HTTP method.",
    todo: "Use one of the methods in the `Allow` header.",
  },
  conflict: {
    status: 409,
    title: "Conflict",
    means:
      "The request conflicts with what exists: the email, slug, number or membership is taken, or the change would leave a tenant without an owner.",
    todo: "Read the detail; change the conflicting value, or fetch the existing resource instead of creating it.",
  },
  "idempotency-key-reused": {
    status: 409,
    title: "Conflict",
    means: "This Idempotency-Key was already used for a request with a different body.",
    todo: "Send a new Idempotency-Key for a new request; repeat a key only to repeat the same request.",
  },
  "idempotency-key-in-progress": {
    status: 409,
    title: "Conflict",
    means: "The first request sent with this Idempotency-Key is still being processed.",
    todo: "Wait `Retry-After` seconds and repeat the same request with the same key: you will get its answer.",
  },
  "audit-not-ready": {
    status: 409,
    title: "Conflict",
    means: "The audit has no result yet: it is queued, running, or failed.",
    todo: "Poll `GET /api/v1/audits/{id}/status` until it is `completed`, then ask for the result again.",
  },
  "conversation-closed": {
    status: 409,
    title: "Conflict",
    means: "The conversation is closed and takes no more messages.",
    todo: "Open a new session (or conversation) to keep talking.",
  },
  "payload-too-large": {
    status: 413,
    title: "Content Too Large",
    means: "The request body is larger than the API accepts (1 MiB).",
    todo: "Send a smaller body.",
  },
  "unsupported-media-type": {
    status: 415,
    title: "Unsupported Media Type",
    means: "The body's Content-Type is not one the route reads.",
    todo: "Send the body as the route's documented media type, usually `application/json`.",
  },
  "upgrade-required": {
    status: 426,
    title: "Upgrade Required",
    means: "The route only speaks WebSocket, and the request is not an upgrade.",
    todo: "Connect with a WebSocket client (`Upgrade: websocket`).",
  },
  "rate-limited": {
    status: 429,
    title: "Too Many Requests",
    means: "The caller sent more requests (or messages) than its rate limit allows.",
    todo: "Wait the number of seconds in `Retry-After` before sending again.",
  },
  "ingest-quota-exceeded": {
    status: 429,
    title: "Too Many Requests",
    means:
      "The batch would take the tenant past its telemetry quota for this minute (metric points or log records); nothing of it was stored.",
    todo: "Send it again after `Retry-After` seconds (the next minute), or ask for a larger quota.",
  },
  internal: {
    status: 500,
    title: "Internal Server Error",
    means: "Something failed on Borde's side, or the deployment is missing a setting (the detail names it).",
    todo: "Retry later; if it persists, report it with the `request_id`.",
  },
  "service-unavailable": {
    status: 503,
    title: "Service Unavailable",
    means:
      "A dependency (the database, the queue) is unavailable, or this deployment has not configured the service the route needs.",
    todo: "Retry after `Retry-After` seconds when given; otherwise retry later. A request that names an Idempotency-Key may be repeated with the same key.",
  },
  "invalid-metrics-token": {
    status: 401,
    title: "Unauthorized",
    means:
      "`GET /metrics` needs `Authorization: Bearer` with the deployment's METRICS_TOKEN, and none or another came.",
    todo: "Set the scrape job's `authorization.credentials` (Prometheus) to the value of METRICS_TOKEN.",
  },
  "module-disabled": {
    status: 403,
    title: "Forbidden",
    means: "The route belongs to a module the caller's tenant has switched off.",
    todo: "Ask an owner of the tenant to switch the module on (`PUT /api/v1/modules/{key}` with `enabled: true`); `GET /api/v1/modules` lists them.",
  },
  "batch-state": {
    status: 409,
    title: "Conflict",
    means:
      "The import batch is not in a state that allows this: rows are added only before validation, a batch is promoted only once validated, and a promoted or cancelled batch changes no more.",
    todo: "Read the batch's `state` (`GET /api/v1/imports/batches/{id}`) and follow the order created → ingest or file → validate → promote.",
  },
  "length-required": {
    status: 411,
    title: "Length Required",
    means:
      "A file upload came without a `Content-Length`, so its size could not be checked before storing it.",
    todo: "Send the file with its `Content-Length` (curl and browsers do for a file).",
  },
  "file-too-large": {
    status: 413,
    title: "Content Too Large",
    means: "The uploaded file is larger than an import accepts.",
    todo: "Split the file, or send its rows in pieces with `POST /api/v1/imports/batches/{id}/ingest`.",
  },
  "backup-state": {
    status: 409,
    title: "Conflict",
    means:
      "The backup cannot be restored now: it is not completed yet (or failed), or a restore of it is already queued or running.",
    todo: "Read the backup (`GET /api/v1/backups/{id}`): wait for `state` completed, or for `restore_state` to leave queued and running.",
  },
  "backup-schema-mismatch": {
    status: 409,
    title: "Conflict",
    means:
      "The backup was taken at another schema version than the database has now, so its rows would not fit the tables.",
    todo: "Restore a backup whose `schema_version` is the current one (a newer backup), or restore into a deployment at the backup's version.",
  },
} as const satisfies Record<string, { status: number; title: string; means: string; todo: string }>;

export type ProblemKey = keyof typeof PROBLEM_TYPES;
export type ProblemStatus = (typeof PROBLEM_TYPES)[ProblemKey]["status"];

export const isProblemKey = (slug: string): slug is ProblemKey => Object.hasOwn(PROBLEM_TYPES, slug);

export const PROBLEM_KEYS: ProblemKey[] = Object.keys(PROBLEM_TYPES).filter(isProblemKey);

/** Where a problem type is explained: absolute, on the origin the client called, so it resolves there. */
export const problemTypeUri = (origin: string, key: ProblemKey) => `${origin}/problems/${key}`;

/** The problem types of one status, for the OpenAPI descriptions of that status's responses. */
export const problemKeysOf = (status: ProblemStatus) =>
  PROBLEM_KEYS.filter((key) => PROBLEM_TYPES[key].status === status);
