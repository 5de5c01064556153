// The BPMN editor: bpmn-js modeler, a panel for the properties the engine reads, and
// validate/deploy calls whose refusals are pinned to the diagram's elements.
(async function () {
  const canvasElement = document.getElementById("canvas");
  const panel = document.getElementById("properties");
  const result = document.getElementById("result");
  const data = canvasElement.dataset;
  const labels = JSON.parse(data.labels);
  const descriptor = await (await fetch(data.descriptorUrl)).json();
  const modeler = new BpmnJS({
    container: canvasElement,
    moddleExtensions: { spiffworkflow: descriptor },
  });
  const xml = await (await fetch(data.xmlUrl, { credentials: "same-origin" })).text();
  // Without a drawing, the laid-out one is what the editor saves and deploys.
  await modeler.importXML(await drawableDiagram(xml));
  const canvas = modeler.get("canvas");
  // Fit the diagram into the part of the canvas right of the palette, so no element hides
  // under the palette's tools.
  function fitBesidePalette() {
    canvas.zoom("fit-viewport");
    const box = canvas.viewbox();
    const palette = canvasElement.querySelector(".djs-palette");
    const margin = 16;
    const left = palette ? palette.getBoundingClientRect().right - canvasElement.getBoundingClientRect().left + margin : margin;
    const width = canvasElement.clientWidth;
    const height = canvasElement.clientHeight;
    const scale = Math.min((width - left - margin) / box.inner.width, (height - 2 * margin) / box.inner.height, 1);
    canvas.viewbox({
      x: box.inner.x - left / scale,
      y: box.inner.y - (height / scale - box.inner.height) / 2,  // centred vertically
      width: width / scale,
      height: height / scale,
    });
  }
  fitBesidePalette();
  const modeling = modeler.get("modeling");
  const moddle = modeler.get("moddle");
  const overlays = modeler.get("overlays");
  const registry = modeler.get("elementRegistry");
  const ENGINE_PROPERTIES = ["formKey", "candidateGroupExpression", "dueIn", "dueDateExpression"];

  function propertiesOf(bo) {
    const values = (bo.extensionElements && bo.extensionElements.values) || [];
    return values.find((v) => v.$type === "spiffworkflow:Properties");
  }

  function engineProperty(bo, name) {
    const props = propertiesOf(bo);
    const prop = props && (props.properties || []).find((p) => p.name === name);
    return prop ? prop.value : "";
  }

  function setEngineProperty(element, name, value) {
    const bo = element.businessObject;
    let extensions = bo.extensionElements;
    if (!extensions) {
      extensions = moddle.create("bpmn:ExtensionElements", { values: [] });
      modeling.updateProperties(element, { extensionElements: extensions });
    }
    let props = propertiesOf(bo);
    if (!props) {
      props = moddle.create("spiffworkflow:Properties", { properties: [] });
      modeling.updateModdleProperties(element, extensions, { values: [...extensions.values, props] });
    }
    const existing = (props.properties || []).find((p) => p.name === name);
    if (existing && value === "") {
      modeling.updateModdleProperties(element, props, {
        properties: props.properties.filter((p) => p !== existing),
      });
    } else if (existing) {
      modeling.updateModdleProperties(element, existing, { value });
    } else if (value !== "") {
      const prop = moddle.create("spiffworkflow:Property", { name, value });
      modeling.updateModdleProperties(element, props, { properties: [...(props.properties || []), prop] });
    }
  }

  function timerOf(bo) {
    const definitions = bo.eventDefinitions || [];
    const timer = definitions.find((d) => d.$type === "bpmn:TimerEventDefinition");
    if (!timer) return null;
    for (const kind of ["timeDate", "timeDuration", "timeCycle"]) {
      if (timer[kind]) return { timer, kind, expression: timer[kind] };
    }
    return { timer, kind: "timeDuration", expression: null };
  }

  // A DKFDS form field in the panel; expressions get a multi-line code editor and a hint
  // on their syntax (help_<name> in the labels).
  function field(id, label, value, kind, onChange, helpKey) {
    const wrapper = document.createElement("div");
    wrapper.className = "form-group";
    const labelElement = document.createElement("label");
    labelElement.className = "form-label";
    labelElement.htmlFor = "prop-" + id;
    labelElement.textContent = label;
    wrapper.append(labelElement);
    const help = labels["help_" + (helpKey || id)];
    if (help) {
      const hint = document.createElement("span");
      hint.className = "form-hint";
      hint.id = "prop-" + id + "-hint";
      // The hints quote syntax in `backticks`; show those parts as code.
      help.split("`").forEach((part, index) => {
        if (index % 2) {
          const code = document.createElement("code");
          code.textContent = part;
          hint.append(code);
        } else hint.append(part);
      });
      wrapper.append(hint);
    }
    const input = document.createElement(kind === "line" ? "input" : "textarea");
    input.className = "form-input" + (kind === "code" ? " code" : "");
    input.id = "prop-" + id;
    input.name = id;
    input.value = value || "";
    if (help) input.setAttribute("aria-describedby", "prop-" + id + "-hint");
    if (kind !== "line") input.rows = kind === "code" ? Math.max(3, (value || "").split("\n").length + 1) : 4;
    if (kind === "code") {
      input.spellcheck = false;
      input.setAttribute("autocapitalize", "off");
    }
    input.addEventListener("change", () => onChange(input.value));
    wrapper.append(input);
    panel.append(wrapper);
  }

  function show(element) {
    panel.replaceChildren();
    if (!element || element.type === "label") return;
    const bo = element.businessObject;
    const heading = document.createElement("p");
    heading.className = "muted";
    heading.textContent = `${bo.$type.replace("bpmn:", "")} · ${bo.id}`;
    panel.append(heading);
    field("name", labels.name, bo.name, "line", (v) => modeling.updateProperties(element, { name: v }));
    const doc = (bo.documentation || [])[0];
    field("documentation", labels.documentation, doc ? doc.text : "", "text", (v) => {
      if (doc) modeling.updateModdleProperties(element, doc, { text: v });
      else modeling.updateProperties(element, { documentation: [moddle.create("bpmn:Documentation", { text: v })] });
    });
    if (bo.$type === "bpmn:UserTask") {
      for (const name of ENGINE_PROPERTIES) {
        const kind = name === "formKey" || name === "dueIn" ? "line" : "code";
        field(name, labels[name], engineProperty(bo, name), kind, (v) => setEngineProperty(element, name, v));
      }
    }
    const timer = timerOf(bo);
    if (timer) {
      field("timer", `${labels.timer} (${timer.kind})`, timer.expression ? timer.expression.body : "", "code", (v) => {
        if (timer.expression) modeling.updateModdleProperties(element, timer.expression, { body: v });
        else modeling.updateModdleProperties(element, timer.timer, {
          [timer.kind]: moddle.create("bpmn:FormalExpression", { body: v }),
        });
      }, timer.kind);
    }
    if (bo.$type === "bpmn:ScriptTask") {
      field("script", labels.script, bo.script, "code", (v) => modeling.updateProperties(element, { script: v }));
    }
    if (bo.$type === "bpmn:SequenceFlow" && bo.conditionExpression) {
      field("condition", labels.condition, bo.conditionExpression.body, "code", (v) =>
        modeling.updateModdleProperties(element, bo.conditionExpression, { body: v }));
    }
  }

  modeler.on("selection.changed", (event) => show(event.newSelection[0]));

  let marked = [];
  function clearProblems() {
    for (const id of marked) {
      canvas.removeMarker(id, "deploy-error");
      overlays.remove({ element: id, type: "problem" });
    }
    marked = [];
  }

  // A label with its {placeholders} filled in.
  function fill(label, values) {
    return label.replace(/\{(\w+)\}/g, (_, name) => values[name]);
  }

  // Where a model test's data differs, in the page's language; values as JSON.
  function differenceText(difference) {
    return fill(labels["test_" + difference.kind], {
      path: difference.path,
      expected: JSON.stringify(difference.expected),
      actual: JSON.stringify(difference.actual),
    });
  }

  // A failing model test (from the Test button, or refusing a deployment): its name and
  // what went wrong, the error as the engine says it or each difference.
  function testFailureText(name, error, differences) {
    const details = error ? [error] : (differences || []).map(differenceText);
    return `${fill(labels.test_failed, { name })}: ${details.join("; ")}`;
  }

  function mark(elementId, text) {
    if (!elementId || !registry.get(elementId)) return;
    canvas.addMarker(elementId, "deploy-error");
    const note = document.createElement("div");
    note.className = "problem-note";
    note.textContent = text;
    overlays.add(elementId, "problem", { position: { bottom: -5, left: 0 }, html: note });
    marked.push(elementId);
  }

  // The outcome as a DKFDS alert; refusals list each problem and mark its element.
  function report(kind, text, problems) {
    return designerReport(result, kind, text, problems, (problem) => {
      const where = [problem.file, problem.line, problem.element_id].filter(Boolean).join(" · ");
      const reason = problem.test
        ? testFailureText(problem.test, null, problem.differences)
        : problem.reason;
      mark(problem.element_id, reason);
      return where ? `${where}: ${reason}` : reason;
    });
  }

  async function send(url) {
    clearProblems();
    const { xml: edited } = await modeler.saveXML({ format: true });
    const response = await fetch(url, {
      method: "POST",
      credentials: "same-origin",
      headers: { "Content-Type": "application/json", "X-CSRF-Token": data.csrf },
      body: JSON.stringify({ bpmn: edited }),
    });
    return { status: response.status, body: await response.json() };
  }

  document.getElementById("validate").addEventListener("click", async () => {
    const { status, body } = await send(data.validateUrl);
    if (status === 200) report("success", labels.valid);
    else report("error", labels.refused, body.problems);
  });

  // The model tests of the edited diagram with the version's other files; nothing is deployed.
  document.getElementById("test").addEventListener("click", async () => {
    const { status, body } = await send(data.testUrl);
    if (status !== 200) {
      report("error", labels.refused, body.problems);
      return;
    }
    const tests = body.tests;
    if (!tests.length) {
      report("info", labels.tests_none);
      return;
    }
    const failed = tests.filter((test) => !test.passed);
    const counts = fill(labels.test_counts, { passed: tests.length - failed.length, failed: failed.length });
    const heading = failed.length ? labels.tests_failed : labels.tests_passed;
    designerReport(result, failed.length ? "error" : "success", `${heading} ${counts}`, tests, (test) => {
      const where = [test.file, test.element_id].filter(Boolean).join(" · ");
      const text = test.passed
        ? fill(labels.test_passed, { name: test.name })
        : testFailureText(test.name, test.error, test.differences);
      if (!test.passed) mark(test.element_id, text);
      return `${where}: ${text}`;
    });
  });

  document.getElementById("deploy").addEventListener("click", async () => {
    const { status, body } = await send(data.deployUrl);
    if (status === 201) {
      const alertBody = report("success", `${labels.deployed} ${body.version}`);
      const link = document.createElement("a");
      link.href = `${data.viewUrl}?version=${body.version}`;
      link.textContent = `${body.key} v${body.version}`;
      alertBody.append(link);
    } else if (status === 200) report("info", labels.unchanged);
    else report("error", labels.refused, body.problems);
  });
  window.klageflowModeler = modeler; // for scripted use (and the browser tests)
  canvasElement.dataset.ready = "true";
})();
