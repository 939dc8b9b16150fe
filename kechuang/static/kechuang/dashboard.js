/* Indicator dashboard: draws each chart from the ECharts option the server embedded with
 * json_script (<div data-chart="<id of the script element>">), and makes every bar and slice
 * a link to the drill-down page of its value (data item's "url"). Tooltips show the value
 * written with its unit (data item's "text"). No eval, no inline script. */
(function () {
  "use strict";

  function escape(text) {
    return window.echarts.format.encodeHTML(String(text == null ? "" : text));
  }

  function tooltip(params) {
    var data = params.data || {};
    var text = data.text != null ? data.text : params.value;
    var head = params.seriesName && params.seriesName !== params.name
      ? escape(params.seriesName) + "<br>"
      : "";
    return head + params.marker + escape(params.name) + ": <b>" + escape(text) + "</b>";
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
    option.tooltip = Object.assign({ trigger: "item", formatter: tooltip }, option.tooltip);
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
