// Det Fælles Designsystem's behaviour (mobile menu, error summary focus, accordions,
// responsive tables) on every page; no inline scripts, so a strict CSP can forbid them.
(function () {
  if (window.DKFDS) window.DKFDS.init();
})();

// A new complaint: the legal bases offered are the chosen decision's, and a decision whose
// complaint deadline has passed shows its warning (the server renders both for the
// decision chosen when the page was made; this keeps them true when another is chosen).
(function () {
  var decision = document.getElementById("decision");
  var data = document.getElementById("decision-bases");
  var basis = document.getElementById("legal_basis");
  var warning = document.getElementById("late-warning");
  if (!decision || !data || !basis) return;
  var decisions = JSON.parse(data.getAttribute("data-decisions"));
  decision.addEventListener("change", function () {
    var chosen = decisions[decision.value];
    if (chosen) {
      var current = basis.value;
      basis.textContent = "";
      chosen.bases.forEach(function (pair) {
        var option = document.createElement("option");
        option.value = pair[0];
        option.textContent = pair[1];
        option.selected = pair[0] === current;
        basis.appendChild(option);
      });
    }
    if (warning) {
      warning.hidden = !(chosen && chosen.late);
      warning.querySelectorAll("[data-decision]").forEach(function (text) {
        text.hidden = text.getAttribute("data-decision") !== decision.value;
      });
    }
  });
})();
