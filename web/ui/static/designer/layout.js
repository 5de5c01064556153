// A model without a drawing of its process (no BPMN DI, as models written by hand or
// exported by some tools come) is laid out by bpmn-auto-layout before bpmn-js shows it, and
// the page's notice #laid-out says so. The semantic model is left as it was; only the
// drawing is added.
const BPMN_MODEL = "http://www.omg.org/spec/BPMN/20100524/MODEL";
const BPMN_DI = "http://www.omg.org/spec/BPMN/20100524/DI";

// Whether the XML draws its process (or collaboration): a plane for it with a shape on it.
// XML that does not parse counts as drawn, so bpmn-js reports the error as it would.
function hasDiagram(xml) {
  const doc = new DOMParser().parseFromString(xml, "application/xml");
  if (doc.getElementsByTagName("parsererror").length) return true;
  const roots = new Set(
    [...doc.getElementsByTagNameNS(BPMN_MODEL, "process"), ...doc.getElementsByTagNameNS(BPMN_MODEL, "collaboration")]
      .map((element) => element.getAttribute("id")),
  );
  return [...doc.getElementsByTagNameNS(BPMN_DI, "BPMNPlane")].some(
    (plane) => roots.has(plane.getAttribute("bpmnElement")) && plane.getElementsByTagNameNS(BPMN_DI, "BPMNShape").length > 0,
  );
}

// The XML to show: as it is when it has a drawing, else laid out (and the notice shown).
async function drawableDiagram(xml) {
  if (hasDiagram(xml)) return xml;
  const laidOut = await BpmnAutoLayout.layoutProcess(xml);
  const notice = document.getElementById("laid-out");
  if (notice) notice.hidden = false;
  return laidOut;
}
