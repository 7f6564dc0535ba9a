// A phone in a pocket or a tab in the background need not ask for news every few seconds: while
// the page is hidden, its live parts skip their polls, and when it is shown again they ask at
// once (their hx-trigger adds "visibilitychange from:document"), so a phone taken out during the
// plenum shows the current pitch at once instead of after the next tick. Without this file the
// parts poll as before.
(function () {
  "use strict";
  const POLLING = /(^|,)\s*every\s/;
  document.addEventListener("htmx:confirm", function (event) {
    if (!document.hidden) return;
    const elt = event.detail.elt;
    const trigger = event.detail.triggeringEvent;
    // htmx's timer fires without an event; a tap or a typed search has one and is never held
    // back, nor is a part that does not poll.
    const tick = !trigger || trigger.type === "visibilitychange";
    if (tick && POLLING.test(elt.getAttribute("hx-trigger") || "")) event.preventDefault();
  });
})();
