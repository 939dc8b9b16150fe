/* Indicator dashboard: draws each chart from the ECharts option the server embedded with
 * json_script (<div data-chart="<id of the script element>">), and makes every bar and slice
 * a link to the drill-down page of its value (data item's "url"). Tooltips show the value
 * written with its unit (data item's "text"). No eval, no inline script or style. */
(function () {
  "use strict";

  // Built as elements, not HTML: ECharts' own markers are spans with a style attribute, which
  // the Content-Security-Policy refuses; a style set from script is allowed.
  function tooltip(params) {
    var data = params.data || {};
    var text = data.text != null ? data.text : params.value;
    var box = document.createElement("div");
    if (params.seriesName && params.seriesName !== params.name) {
      box.appendChild(document.createTextNode(params.seriesName));
      box.appendChild(document.createElement("br"));
    }
    var marker = document.createElement("span");
    marker.className = "chart-marker";
    if (typeof params.color === "string") {
      marker.style.backgroundColor = params.color;
    }
    var value = document.createElement("b");
    value.textContent = text == null ? "" : String(text);
    box.append(marker, String(params.name == null ? "" : params.name) + ": ", value);
    return box;
  }

  function draw(element) {
    var source = document.getElementById(element.dataset.chart);
    if (!source) {
      return;
    }
    var option = JSON.parse(source.textContent);
    element.style.height = (parseInt(element.dataset.height, 10) || 320) + "px";
    var english = (document.documentElement.lang || "").indexOf("en") === 0;
    var chart = window.echarts.init(element, null, {
      renderer: "canvas",
      locale: english ? "EN" : "ZH",
    });
    // Confined to the chart: ECharts then draws no pointer arrow, which it would as markup
    // with a style attribute (refused by the CSP) when a tooltip is shown at an item.
    option.tooltip = Object.assign(
      { trigger: "item", formatter: tooltip, confine: true },
      option.tooltip
    );
    option.animation = false;
    chart.setOption(option);
    chart.on("click", function (params) {
      if (params.data && params.data.url) {
        window.location.assign(params.data.url);
      }
    });
    window.addEventListener("resize", function () {
      chart.resize();
    });
    element.dataset.chartReady = "true";
  }

  function start() {
    if (!window.echarts) {
      return;
    }
    document.querySelectorAll("[data-chart]").forEach(draw);
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", start);
  } else {
    start();
  }
})();
