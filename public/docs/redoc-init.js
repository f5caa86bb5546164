// Renders ReDoc from this Worker's own OpenAPI document.
window.addEventListener("load", () => {
  Redoc.init("/openapi.json", {}, document.getElementById("redoc"));
});
