// Charts on the measure page. Data come from json_script elements (type application/json), so the
// page carries no inline script; without JavaScript the tables below each chart carry the same data.
(function () {
  "use strict";
  var COLOURS = ["#1565c0", "#b71c1c", "#1b5e20", "#8a4b00", "#6a1b9a", "#00695c"];

  function readJson(id) {
    var element = document.getElementById(id);
    return element ? JSON.parse(element.textContent) : null;
  }

  function vietnameseNumber(value, percentage) {
    if (value === null || value === undefined) { return "—"; }
    var text = value.toLocaleString("vi-VN", {
      minimumFractionDigits: percentage ? 2 : 0,
      maximumFractionDigits: 2
    });
    return percentage ? text + "%" : text;
  }

  function trendChart(Chart) {
    var data = readJson("trend-data");
    var canvas = document.getElementById("trend-chart");
    if (!data || !canvas) { return; }
    var datasets = data.datasets.map(function (dataset, index) {
      return {
        label: dataset.label,
        data: dataset.data,
        borderColor: COLOURS[index % COLOURS.length],
        backgroundColor: COLOURS[index % COLOURS.length],
        spanGaps: true,
        tension: 0.2
      };
    });
    if (data.target !== null) {
      datasets.push({
        label: "Chỉ tiêu",
        data: data.labels.map(function () { return data.target; }),
        borderColor: "#555",
        borderDash: [6, 4],
        pointRadius: 0,
        fill: false
      });
    }
    new Chart(canvas, {
      type: "line",
      data: { labels: data.labels, datasets: datasets },
      options: {
        maintainAspectRatio: false,
        plugins: {
          tooltip: {
            callbacks: {
              label: function (context) {
                return context.dataset.label + ": " + vietnameseNumber(context.parsed.y, data.percentage);
              }
            }
          }
        },
        scales: {
          y: {
            beginAtZero: !data.percentage,
            ticks: { callback: function (value) { return vietnameseNumber(value, data.percentage); } }
          }
        }
      }
    });
  }

  function rankingChart(Chart) {
    var data = readJson("ranking-data");
    var canvas = document.getElementById("ranking-chart");
    if (!data || !canvas || !data.values.length) { return; }
    // One bar per unit: the box grows with the number of units so that names stay readable.
    canvas.parentElement.style.height = Math.max(12, data.values.length * 1.6 + 4) + "rem";
    new Chart(canvas, {
      type: "bar",
      data: {
        labels: data.labels,
        datasets: [{ label: data.title, data: data.values, backgroundColor: "#1565c0" }]
      },
      options: {
        indexAxis: "y",
        maintainAspectRatio: false,
        plugins: {
          legend: { display: false },
          tooltip: {
            callbacks: {
              label: function (context) { return vietnameseNumber(context.parsed.x, data.percentage); }
            }
          }
        },
        scales: {
          // Close rates (88–99%) would all look alike from zero; the axis starts a little below the lowest.
          x: {
            min: data.percentage ? Math.max(0, Math.floor((Math.min.apply(null, data.values) - 2) / 5) * 5) : undefined,
            ticks: { callback: function (value) { return vietnameseNumber(value, data.percentage); } }
          },
          y: { ticks: { autoSkip: false } }
        }
      }
    });
  }

  document.addEventListener("DOMContentLoaded", function () {
    if (typeof window.Chart === "undefined") { return; }
    trendChart(window.Chart);
    rankingChart(window.Chart);
  });
})();
