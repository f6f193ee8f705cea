/*
 * The sessions hub: row selection for the bulk Advance Status.
 *
 *   [data-hub-select-all]      selects / clears every row on the page (table
 *                              header; "Select all" above the rows on phones)
 *   input.hub-select           one per row (name="ids")
 *   #advance-button            the ribbon's Advance Status: enabled when rows are selected
 *   #hub-selection-bar         sticky bar with the count, shown when rows are selected
 *
 * Without this script the page still works: the server answers an empty
 * selection with a message.
 */
(function () {
  "use strict";

  var form = document.getElementById("advance-form");
  if (!form) return;
  var alls = Array.prototype.slice.call(form.querySelectorAll("[data-hub-select-all]"));
  var bar = document.getElementById("hub-selection-bar");
  var button = document.getElementById("advance-button");

  function boxes() {
    return Array.prototype.slice.call(form.querySelectorAll("input.hub-select"));
  }

  function refresh() {
    var list = boxes();
    var selected = list.filter(function (box) { return box.checked; });
    list.forEach(function (box) {
      var row = box.closest("tr");
      if (row) row.classList.toggle("table-active-selected", box.checked);
    });
    alls.forEach(function (all) {
      all.checked = list.length > 0 && selected.length === list.length;
      all.indeterminate = selected.length > 0 && selected.length < list.length;
    });
    if (bar) {
      bar.hidden = selected.length === 0;
      var count = bar.querySelector("[data-hub-selected-count]");
      if (count) count.textContent = String(selected.length);
    }
    if (button) {
      button.disabled = selected.length === 0;
      button.title = selected.length === 0
        ? "Select sessions first, then move them to their next status"
        : "Move the " + selected.length + " selected session" + (selected.length === 1 ? "" : "s") +
          " to their next status";
    }
  }

  alls.forEach(function (all) {
    all.addEventListener("change", function () {
      boxes().forEach(function (box) { box.checked = all.checked; });
      refresh();
    });
  });

  form.addEventListener("change", function (event) {
    if (event.target instanceof Element && event.target.classList.contains("hub-select")) {
      refresh();
    }
  });

  if (bar) {
    var clear = bar.querySelector("[data-hub-clear-selection]");
    if (clear) {
      clear.addEventListener("click", function () {
        boxes().forEach(function (box) { box.checked = false; });
        refresh();
      });
    }
  }

  // A click anywhere on a row (not on its links) toggles its checkbox.
  form.addEventListener("click", function (event) {
    var target = event.target;
    if (!(target instanceof Element)) return;
    if (target.closest("a, button, input, label, select, textarea")) return;
    var row = target.closest("tr.hub-row");
    if (!row) return;
    if (window.getSelection && String(window.getSelection()).length) return;
    var box = row.querySelector("input.hub-select");
    if (!box) return;
    box.checked = !box.checked;
    refresh();
  });

  // Back/forward cache can restore ticked boxes: show them as they are.
  window.addEventListener("pageshow", refresh);
  refresh();
})();
