/* Behaviour every page may use, bound by data attributes: the Content-Security-Policy admits
 * no inline script or event-handler attribute.
 *
 * <input type="checkbox" data-check-all="ids">: ticks or clears every checkbox named "ids" in
 * the same table. */
(function () {
  "use strict";

  document.addEventListener("change", function (event) {
    var box = event.target;
    if (!(box instanceof HTMLInputElement) || !box.dataset.checkAll) {
      return;
    }
    var table = box.closest("table") || document;
    table.querySelectorAll("input[type=checkbox]").forEach(function (other) {
      if (other.name === box.dataset.checkAll) {
        other.checked = box.checked;
      }
    });
  });
})();
