/* Draws the report charts from the JSON data island #report-chart-data (no inline script: CSP).
   Each <canvas data-chart="key"> gets the chart described under that key. */
(function () {
  "use strict";
  var island = document.getElementById("report-chart-data");
  if (!island || typeof window.Chart === "undefined") {
    return;
  }
  var data = JSON.parse(island.textContent);
  var colours = ["#0d6efd", "#adb5bd", "#198754", "#dc3545", "#fd7e14", "#6f42c1", "#20c997"];
  document.querySelectorAll("canvas[data-chart]").forEach(function (canvas) {
    var spec = data[canvas.dataset.chart];
    if (!spec || !spec.labels.length) {
      return;
    }
    var stacked = Boolean(spec.stacked);
    var indexAxis = spec.labels.length > 4 ? "y" : "x";
    var scales = {
      x: { stacked: stacked, beginAtZero: true },
      y: { stacked: stacked, beginAtZero: true },
    };
    if (spec.max) {
      scales[indexAxis === "y" ? "x" : "y"].max = spec.max;
    }
    new window.Chart(canvas, {
      type: "bar",
      data: {
        labels: spec.labels,
        datasets: spec.datasets.map(function (set, index) {
          return {
            label: set.label,
            data: set.data,
            backgroundColor: colours[index % colours.length],
          };
        }),
      },
      options: {
        responsive: true,
        maintainAspectRatio: false,
        animation: false,
        indexAxis: indexAxis,
        plugins: {
          title: { display: true, text: spec.title },
          legend: { position: "bottom" },
        },
        scales: scales,
      },
    });
  });
})();
