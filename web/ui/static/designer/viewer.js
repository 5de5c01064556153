// A read-only diagram: on a version page, badges of how many unfinished cases wait at each
// element; on a case page, the elements where the case stands highlighted.
(async function () {
  const canvasElement = document.getElementById("canvas");
  const counts = JSON.parse(canvasElement.dataset.counts || "{}");
  const viewer = new BpmnJS({ container: canvasElement });
  const response = await fetch(canvasElement.dataset.xmlUrl, { credentials: "same-origin" });
  await viewer.importXML(await drawableDiagram(await response.text()));
  viewer.get("canvas").zoom("fit-viewport");
  const overlays = viewer.get("overlays");
  const registry = viewer.get("elementRegistry");
  for (const [elementId, count] of Object.entries(counts)) {
    if (!registry.get(elementId)) continue;
    const badge = document.createElement("span");
    badge.className = "count-badge";
    badge.textContent = String(count);
    badge.title = elementId;
    overlays.add(elementId, { position: { top: -10, right: 10 }, html: badge });
    viewer.get("canvas").addMarker(elementId, "waiting");
  }
  // The case page: where the case stands now.
  for (const elementId of JSON.parse(canvasElement.dataset.active || "[]")) {
    if (registry.get(elementId)) viewer.get("canvas").addMarker(elementId, "current");
  }
  canvasElement.dataset.ready = "true";
})();
