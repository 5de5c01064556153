// The form editor: form-js's editor on a deployed form; deploying makes a new process version.
(async function () {
  const container = document.getElementById("form-editor");
  const result = document.getElementById("result");
  const data = container.dataset;
  const labels = JSON.parse(data.labels);
  const schema = await (await fetch(data.schemaUrl, { credentials: "same-origin" })).json();
  const editor = new FormEditor.FormEditor({ container });
  await editor.importSchema(schema);

  // The outcome as a DKFDS alert, with the problems of a refusal listed.
  function report(kind, text, problems) {
    return designerReport(result, kind, text, problems, (problem) =>
      [problem.file, problem.element_id, problem.reason].filter(Boolean).join(": "),
    );
  }

  document.getElementById("deploy").addEventListener("click", async () => {
    const response = await fetch(data.deployUrl, {
      method: "POST",
      credentials: "same-origin",
      headers: { "Content-Type": "application/json", "X-CSRF-Token": data.csrf },
      body: JSON.stringify({ schema: editor.saveSchema() }),
    });
    const body = await response.json();
    if (response.status === 201) {
      const alertBody = report("success", `${labels.deployed} ${body.version}`);
      const link = document.createElement("a");
      link.href = `${data.viewUrl}?version=${body.version}`;
      link.textContent = `${body.key} v${body.version}`;
      alertBody.append(link);
    } else if (response.status === 200) report("info", labels.unchanged);
    else report("error", labels.refused, body.problems);
  });
  window.klageflowFormEditor = editor; // for scripted use (and the browser tests)
  container.dataset.ready = "true";
})();
