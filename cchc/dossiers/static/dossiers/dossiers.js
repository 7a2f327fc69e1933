// Dossier dashboard charts. Data come from a json_script element (type application/json), so the page
// carries no inline script; without JavaScript the tables under the charts carry the same figures.
(function () {
  "use strict";
  var COLOURS = ["#1565c0", "#b71c1c", "#1b5e20", "#8a4b00", "#6a1b9a"];

  function readJson(id) {
    var element = document.getElementById(id);
    return element ? JSON.parse(element.textContent) : null;
  }

  function shown(value, percentage) {
    if (value === null || value === undefined) { return "—"; }
    var text = value.toLocaleString("vi-VN", { minimumFractionDigits: percentage ? 2 : 0, maximumFractionDigits: 2 });
    return percentage ? text + "%" : text;
  }

  function datasets(series, type) {
    return series.map(function (item, index) {
      return {
        type: type,
        label: item.label,
        data: item.data,
        borderColor: COLOURS[index % COLOURS.length],
        backgroundColor: COLOURS[index % COLOURS.length],
        spanGaps: true,
        tension: 0.2
      };
    });
  }

  function draw(Chart, canvasId, labels, sets, percentage) {
    var canvas = document.getElementById(canvasId);
    if (!canvas) { return; }
    new Chart(canvas, {
      type: sets.length && sets[0].type === "bar" ? "bar" : "line",
      data: { labels: labels, datasets: sets },
      options: {
        maintainAspectRatio: false,
        plugins: {
          tooltip: {
            callbacks: {
              label: function (context) { return context.dataset.label + ": " + shown(context.parsed.y, percentage); }
            }
          }
        },
        scales: { y: { beginAtZero: !percentage, ticks: { callback: function (value) { return shown(value, percentage); } } } }
      }
    });
  }

  document.addEventListener("DOMContentLoaded", function () {
    var data = readJson("trend-data");
    if (!data || typeof window.Chart === "undefined") { return; }
    var rates = datasets(data.rates, "line");
    if (data.target !== null) {
      rates.push({
        type: "line",
        label: "Chỉ tiêu đúng hạn",
        data: data.labels.map(function () { return data.target; }),
        borderColor: "#555",
        borderDash: [6, 4],
        pointRadius: 0,
        fill: false
      });
    }
    draw(window.Chart, "rates-chart", data.labels, rates, true);
    draw(window.Chart, "counts-chart", data.labels, datasets(data.counts, "bar"), false);
  });
})();
