// The outcome of validating or deploying in the designer, as a DKFDS alert in `result`.
// A refusal lists its problems, each as the text `describe(problem)` returns (which may
// also mark the problem in the editor). Answers the alert's body.
function designerReport(result, kind, text, problems, describe) {
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
      item.textContent = describe(problem);
      list.append(item);
    }
    body.append(list);
  }
  return body;
}
