// Starts Swagger UI on the API docs page (kept out of the page so the CSP needs no inline script).
(function () {
  var container = document.getElementById("swagger-ui-container");
  window.ui = SwaggerUIBundle({ url: container.dataset.specUrl, dom_id: "#swagger-ui-container" });
})();
