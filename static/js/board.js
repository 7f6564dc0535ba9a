// The organizers' board: drag a session card onto a cell (move or swap) or onto the list of
// sessions outside the grid (take it off). Every action is also a plain form on the card, so
// the board works without this file and on touch screens.
(function () {
  "use strict";

  let dragging = null;

  function board() {
    return document.getElementById("board");
  }

  function post(source, values) {
    const root = board();
    window.htmx.ajax("POST", root.dataset.boardUrl, {
      source: source,
      target: "#board",
      swap: "outerHTML",
      values: Object.assign({ day: root.dataset.day }, values),
    });
  }

  document.addEventListener("dragstart", function (event) {
    const card = event.target.closest && event.target.closest("[data-session]");
    if (!card) return;
    dragging = card.dataset.session;
    event.dataTransfer.setData("text/plain", dragging);
    event.dataTransfer.effectAllowed = "move";
    document.body.classList.add("is-dragging");
  });

  document.addEventListener("dragend", function () {
    dragging = null;
    document.body.classList.remove("is-dragging");
    document.querySelectorAll(".is-over").forEach(function (element) {
      element.classList.remove("is-over");
    });
  });

  document.addEventListener("dragover", function (event) {
    const target = event.target.closest && event.target.closest("[data-cell-room], [data-drop-unplace]");
    if (!target || !dragging) return;
    event.preventDefault();
    target.classList.add("is-over");
  });

  document.addEventListener("dragleave", function (event) {
    const target = event.target.closest && event.target.closest("[data-cell-room], [data-drop-unplace]");
    if (target) target.classList.remove("is-over");
  });

  document.addEventListener("drop", function (event) {
    const target = event.target.closest && event.target.closest("[data-cell-room], [data-drop-unplace]");
    if (!target || !dragging) return;
    event.preventDefault();
    if (target.hasAttribute("data-drop-unplace")) {
      post(target, { action: "unplace", session: dragging });
    } else {
      post(target, {
        action: "move",
        session: dragging,
        room: target.dataset.cellRoom,
        slot: target.dataset.cellSlot,
      });
    }
  });

  // Hold the live refresh while the organizer is in the middle of something.
  document.addEventListener("htmx:beforeRequest", function (event) {
    const root = board();
    if (!root || event.detail.elt !== root) return;
    if (dragging || root.querySelector("details[open]") || root.contains(document.activeElement && document.activeElement.closest("form"))) {
      event.preventDefault();
    }
  });
})();
