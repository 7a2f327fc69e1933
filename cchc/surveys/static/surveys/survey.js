// Survey pages: conditional questions, the kiosk's idle reset, printing. No inline script (CSP).
// The server applies the same conditions, so the form still works (all questions shown) without this file.
(function () {
  "use strict";

  function chosenValues(form, name) {
    var values = [];
    form.querySelectorAll("[name='" + name.replace(/'/g, "\\'") + "']").forEach(function (input) {
      if ((input.type === "radio" || input.type === "checkbox") ? input.checked : input.value.trim() !== "") {
        values.push(input.value);
      }
    });
    return values;
  }

  function applyConditions(form) {
    // In document order, so that hiding a parent question also hides what depends on it.
    form.querySelectorAll("[data-condition-input]").forEach(function (block) {
      var parentName = block.getAttribute("data-condition-input");
      var wanted = (block.getAttribute("data-condition-values") || "").split(",");
      var negated = block.getAttribute("data-condition-negated") === "1";
      var chosen = chosenValues(form, parentName);
      var parentBlock = form.querySelector("[name='" + parentName + "']");
      parentBlock = parentBlock ? parentBlock.closest(".survey-question") : null;
      var parentShown = !parentBlock || !parentBlock.hidden;
      var matches = chosen.some(function (value) { return wanted.indexOf(value) !== -1; });
      var show = parentShown && chosen.length > 0 && (negated ? !matches : matches);
      block.hidden = !show;
      block.querySelectorAll("input, textarea, select").forEach(function (input) { input.disabled = !show; });
    });
  }

  function watchIdle(form) {
    var seconds = parseInt(form.getAttribute("data-idle-seconds"), 10);
    var blank = form.getAttribute("data-blank-url");
    if (!seconds || !blank) { return; }
    var touched = false;
    var timer = null;
    function restart() {
      if (timer) { window.clearTimeout(timer); }
      timer = window.setTimeout(function () { if (touched) { window.location.replace(blank); } }, seconds * 1000);
    }
    ["input", "change", "pointerdown", "keydown", "scroll"].forEach(function (kind) {
      document.addEventListener(kind, function () { if (kind !== "scroll") { touched = true; } restart(); }, { passive: true });
    });
    restart();
  }

  document.addEventListener("DOMContentLoaded", function () {
    document.querySelectorAll("[data-survey-form]").forEach(function (form) {
      applyConditions(form);
      form.addEventListener("change", function () { applyConditions(form); });
      watchIdle(form);
    });
    var summary = document.getElementById("form-errors");
    if (summary) { summary.focus(); }
    document.querySelectorAll("[data-print]").forEach(function (button) {
      button.addEventListener("click", function () { window.print(); });
    });
  });
})();
