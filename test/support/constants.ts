/** The one origin the Worker under test allows for CORS and CSRF checks. */
export const TEST_ALLOWED_ORIGIN = "https://app.borde.test";

/** Where the Worker under test says clients reach it (PUBLIC_URL), for links it sends outside a request. */
export const TEST_PUBLIC_URL = "https://api.borde.test";

/** The Twilio account the Worker under test is configured with; the local Twilio server accepts it. */
export const TEST_TWILIO_ACCOUNT_SID = "AC0123456789abcdef0123456789abcdef";
export const TEST_TWILIO_AUTH_TOKEN = "test-twilio-auth-token";

/** What the Worker under test sends with its trace exports (OTEL_EXPORTER_OTLP_HEADERS, URL-encoded). */
export const TEST_OTLP_HEADERS = "authorization=Bearer%20otlp-test-token,x-tenant=borde-tests";
