/** The one origin the Worker under test allows for CORS and CSRF checks. */
export const TEST_ALLOWED_ORIGIN = "https://app.borde.test";
