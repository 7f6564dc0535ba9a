// The wall's compose box: how many of the 280 characters are left. The form works without it
// (the browser's maxlength stops at 280 anyway); this only makes the limit visible.
(function () {
  "use strict";

  function update(field) {
    const output = document.querySelector('[data-counter-for="' + field.id + '"]');
    if (!output) return;
    const left = (Number(field.getAttribute("maxlength")) || 280) - field.value.length;
    output.textContent = String(left);
    output.classList.toggle("is-low", left < 20);
  }

  function updateAll() {
    document.querySelectorAll("textarea[maxlength]").forEach(update);
  }

  document.addEventListener("input", function (event) {
    if (event.target.matches && event.target.matches("textarea[maxlength]")) update(event.target);
  });
  document.addEventListener("DOMContentLoaded", updateAll);
  document.addEventListener("htmx:afterSettle", updateAll);
})();
