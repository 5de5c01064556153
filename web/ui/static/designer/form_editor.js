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
    result.replaceChildren();
    const alert = document.createElement("div");
    alert.className = `alert alert-${kind}`;
    const body = document.createElement("div");
    body.className = "alert-body";
    const message = document.createElement("p");
    message.className = "alert-text";
    message.textContent = text;
    body.append(message);
    alert.append(body);
    result.append(alert);
    if (problems && problems.length) {
      const list = document.createElement("ul");
      for (const problem of problems) {
        const item = document.createElement("li");
        item.textContent = [problem.file, problem.element_id, problem.reason].filter(Boolean).join(": ");
        list.append(item);
      }
      body.append(list);
    }
    return body;
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
