// Starts Swagger UI on this Worker's own OpenAPI document; requests carry the session cookie.
window.addEventListener("load", () => {
  window.ui = SwaggerUIBundle({
    url: "/openapi.json",
    dom_id: "#swagger-ui",
    deepLinking: true,
    persistAuthorization: true,
    withCredentials: true,
    // Tags start folded: the document has over 150 operations, too many to lay out at once.
    docExpansion: "none",
  });
});
