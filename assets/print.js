/* Printing a chart page (style.css, «paper» block: @media print). A Plotly chart keeps the
   pixel width it had on screen, wider than an A4 page on a PC, and the browser would then
   shrink the whole page to fit it. Before printing, draw each chart at the page's width; after,
   let it follow the window again. */
(function () {
  "use strict";
  var PRINT_WIDTH = 680;   /* CSS px: A4 (210 mm) less 12 mm margins each side, with room */
  var PRINT_HEIGHT = 360;

  function charts() {
    return window.Plotly ? document.querySelectorAll(".graph .js-plotly-plot") : [];
  }

  function forPrint() {
    charts().forEach(function (chart) {
      window.Plotly.relayout(chart, {width: PRINT_WIDTH, height: PRINT_HEIGHT});
    });
  }

  function forScreen() {
    charts().forEach(function (chart) {
      window.Plotly.relayout(chart, {width: null, height: null, autosize: true});
    });
  }

  window.addEventListener("beforeprint", forPrint);
  window.addEventListener("afterprint", forScreen);
})();
