// Det Fælles Designsystem's behaviour (mobile menu, error summary focus, accordions,
// responsive tables) on every page; no inline scripts, so a strict CSP can forbid them.
(function () {
  if (window.DKFDS) window.DKFDS.init();
})();
