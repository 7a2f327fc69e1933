// Small behaviours only; pages work without JavaScript where they can.
(function () {
  "use strict";
  // Selects marked data-autosubmit submit their form on change (the unit switcher, filters).
  document.addEventListener("change", function (event) {
    var target = event.target;
    if (target instanceof HTMLSelectElement && target.hasAttribute("data-autosubmit") && target.form) {
      target.form.requestSubmit();
    }
  });
  // Buttons marked data-confirm ask before submitting (destructive or irreversible acts).
  document.addEventListener("click", function (event) {
    var button = event.target.closest ? event.target.closest("[data-confirm]") : null;
    if (button && !window.confirm(button.getAttribute("data-confirm"))) {
      event.preventDefault();
    }
  });
  // Progress bars carry their value in data-value; setting width from script keeps CSP free of inline styles.
  function paintBars(root) {
    (root || document).querySelectorAll("[data-bar]").forEach(function (bar) {
      var value = parseFloat(bar.getAttribute("data-bar")) || 0;
      bar.style.width = Math.max(0, Math.min(100, value)) + "%";
    });
  }
  // A table wider than the screen scrolls inside its wrapper; keyboard users must be able to reach and
  // scroll it, so every wrapper becomes a focusable, named region (WCAG 2.1.1).
  function labelScrollRegions(root) {
    (root || document).querySelectorAll(".table-wrap:not([tabindex])").forEach(function (wrapper) {
      wrapper.setAttribute("tabindex", "0");
      wrapper.setAttribute("role", "region");
      if (!wrapper.hasAttribute("aria-label")) {
        var caption = wrapper.querySelector("caption");
        wrapper.setAttribute("aria-label", caption ? caption.textContent.trim() : "Bảng, cuộn ngang khi màn hình hẹp");
      }
    });
  }
  document.addEventListener("DOMContentLoaded", function () { paintBars(document); labelScrollRegions(document); });
  document.addEventListener("htmx:afterSwap", function (event) { paintBars(event.target); labelScrollRegions(event.target); });
  window.cchcPaintBars = paintBars;
})();
