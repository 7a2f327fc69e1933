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
  // Column headers of data tables become sort buttons (the rows on the page; long lists also filter and
  // page on the server). Numbers are read in Vietnamese style: 1.081.000 and 92,50%.
  function sortValue(cell) {
    var text = (cell ? cell.textContent : "").trim();
    var numeric = text.replace(/[%\s]/g, "").replace(/\./g, "").replace(",", ".");
    if (/^-?\d+(\.\d+)?$/.test(numeric)) { return { number: parseFloat(numeric) }; }
    var date = text.match(/^(\d{2})\/(\d{2})\/(\d{4})/);
    if (date) { return { number: Date.UTC(+date[3], +date[2] - 1, +date[1]) }; }
    return { text: text.toLocaleLowerCase("vi") };
  }
  function compare(left, right) {
    if (left.number !== undefined && right.number !== undefined) { return left.number - right.number; }
    if (left.number !== undefined) { return -1; }
    if (right.number !== undefined) { return 1; }
    return left.text.localeCompare(right.text, "vi");
  }
  function makeSortable(root) {
    (root || document).querySelectorAll(".table-wrap table").forEach(function (table) {
      var body = table.tBodies[0];
      if (!table.tHead || !body || body.rows.length < 2 || table.hasAttribute("data-sortable-ready")) { return; }
      if (table.querySelector("tbody td[colspan], tbody input, tbody textarea, tbody select")) { return; }
      table.setAttribute("data-sortable-ready", "");
      var headers = table.tHead.rows[table.tHead.rows.length - 1].cells;
      Array.prototype.forEach.call(headers, function (header, column) {
        if (!header.textContent.trim() || header.colSpan > 1) { return; }
        var button = document.createElement("button");
        button.type = "button";
        button.className = "sort-button";
        button.textContent = header.textContent.trim();
        button.setAttribute("title", "Sắp xếp theo cột này");
        header.textContent = "";
        header.appendChild(button);
        button.addEventListener("click", function () {
          var ascending = header.getAttribute("aria-sort") !== "ascending";
          Array.prototype.forEach.call(headers, function (other) { other.removeAttribute("aria-sort"); });
          header.setAttribute("aria-sort", ascending ? "ascending" : "descending");
          var rows = Array.prototype.slice.call(body.rows);
          rows.sort(function (a, b) {
            var order = compare(sortValue(a.cells[column]), sortValue(b.cells[column]));
            return ascending ? order : -order;
          });
          rows.forEach(function (row) { body.appendChild(row); });
        });
      });
    });
  }
  document.addEventListener("DOMContentLoaded", function () {
    paintBars(document); labelScrollRegions(document); makeSortable(document);
  });
  document.addEventListener("htmx:afterSwap", function (event) {
    paintBars(event.target); labelScrollRegions(event.target); makeSortable(event.target);
  });
  window.cchcPaintBars = paintBars;
})();
