// A phone in a pocket or a tab in the background need not ask for news every few seconds: while
// the page is hidden, its live parts skip their polls, and when it is shown again they ask at
// once (their hx-trigger adds "visibilitychange from:document"), so a phone taken out during the
// plenum shows the current pitch at once instead of after the next tick. Without this file the
// parts poll as before.
(function () {
  "use strict";
  document.addEventListener("htmx:confirm", function (event) {
    const trigger = event.detail.triggeringEvent;
    // A poll comes from htmx's timer, without an event; a tap has one and is never held back.
    const polled = !trigger || trigger.type === "visibilitychange";
    if (polled && document.hidden) event.preventDefault();
  });
})();
