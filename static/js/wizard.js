/*
 * The Scheduling and Session wizards (templates/scheduling/wizard*.html).
 *
 * Session step:
 *   - a free-slot chip fills Session Date, Start Time and End Time in place
 *     (without JavaScript the chip submits and the server fills them);
 *   - changing Type, Session Date, Photographer, Assistant or Camera Room
 *     reloads the chips from /schedule/slots/ (so the Refresh button, there
 *     for browsers without JavaScript, is hidden);
 *   - changing Type fills the type's default people and room where the
 *     fields still hold the previous type's defaults, and moves End Time.
 * Client details step:
 *   - empty "Add family members" rows stay folded behind "Add another".
 */
(function () {
  "use strict";

  var form = document.getElementById("wizard-form");
  if (!form) return;
  var step = form.getAttribute("data-step");

  function field(name) {
    return form.elements.namedItem(step + "-" + name);
  }

  function pad(n) {
    return (n < 10 ? "0" : "") + n;
  }

  function addMinutes(hhmm, minutes) {
    var parts = hhmm.split(":");
    var total = parseInt(parts[0], 10) * 60 + parseInt(parts[1], 10) + minutes;
    if (total >= 24 * 60) return "";
    return pad(Math.floor(total / 60)) + ":" + pad(total % 60);
  }

  // ---- Session step --------------------------------------------------------

  function sessionStep() {
    var panel = document.getElementById("free-slots");
    var type = field("session_type");
    var date = field("session_date");
    var start = field("start_time");
    var end = field("end_time");
    var people = { photographer: field("photographer"), assistant: field("assistant"), resource: field("camera_room") };
    if (!panel || !type || !date || !start) return;

    function typeDefaults(option) {
      if (!option) return {};
      return {
        length: parseInt(option.getAttribute("data-length") || "60", 10),
        photographer: option.getAttribute("data-photographer") || "",
        assistant: option.getAttribute("data-assistant") || "",
        resource: option.getAttribute("data-resource") || ""
      };
    }

    function markActive() {
      var chips = panel.querySelectorAll(".slot-chip");
      for (var i = 0; i < chips.length; i++) {
        var on = chips[i].getAttribute("data-date") === date.value &&
          chips[i].getAttribute("data-time") === start.value;
        chips[i].classList.toggle("active", on);
        chips[i].setAttribute("aria-pressed", on ? "true" : "false");
      }
    }

    panel.addEventListener("click", function (event) {
      var chip = event.target.closest(".slot-chip");
      if (!chip) return;
      event.preventDefault();
      date.value = chip.getAttribute("data-date");
      start.value = chip.getAttribute("data-time");
      if (end) end.value = chip.getAttribute("data-end") || "";
      markActive();
      start.dispatchEvent(new Event("input", { bubbles: true }));
    });

    var timer = null;
    var pending = null;

    function refresh() {
      var params = new URLSearchParams();
      params.set("type", type.value || "");
      params.set("date", date.value || "");
      Object.keys(people).forEach(function (key) {
        if (people[key] && people[key].value) params.set(key, people[key].value);
      });
      var url = panel.getAttribute("data-url") + "?" + params.toString();
      if (pending) pending.abort();
      pending = new AbortController();
      panel.parentElement.classList.add("is-loading");
      fetch(url, { headers: { "X-Requested-With": "XMLHttpRequest" }, credentials: "same-origin", signal: pending.signal })
        .then(function (response) { return response.text(); })
        .then(function (html) {
          panel.innerHTML = html;
          markActive();
        })
        .catch(function () { /* aborted or offline: keep the chips we have */ })
        .then(function () { panel.parentElement.classList.remove("is-loading"); });
    }

    function later() {
      clearTimeout(timer);
      timer = setTimeout(refresh, 250);
    }

    var previous = typeDefaults(type.options[type.selectedIndex]);
    type.addEventListener("change", function () {
      var next = typeDefaults(type.options[type.selectedIndex]);
      Object.keys(people).forEach(function (key) {
        var el = people[key];
        if (el && (el.value === "" || el.value === previous[key]) && next[key] !== undefined) {
          if (next[key] === "" || el.querySelector('option[value="' + next[key] + '"]')) el.value = next[key];
        }
      });
      if (end && end.value && start.value) end.value = addMinutes(start.value, next.length);
      previous = next;
      later();
    });
    [date].concat(Object.keys(people).map(function (k) { return people[k]; })).forEach(function (el) {
      if (el) el.addEventListener("change", later);
    });
    start.addEventListener("change", markActive);

    // The chips follow every change by themselves: the no-JavaScript Refresh button is not needed.
    var refreshButton = form.querySelector("[data-refresh-slots]");
    if (refreshButton) refreshButton.hidden = true;
    markActive();
  }

  // ---- Client details step: fold empty new-member rows ----------------------

  function detailsStep() {
    var box = form.querySelector("[data-new-members]");
    if (!box) return;
    var rows = Array.prototype.slice.call(box.querySelectorAll("[data-member-row]"));
    var button = box.querySelector("[data-add-member]");

    function isEmpty(row) {
      var inputs = row.querySelectorAll("input");
      for (var i = 0; i < inputs.length; i++) {
        if (inputs[i].value.trim() !== "") return false;
      }
      return !row.querySelector(".is-invalid");
    }

    var shown = 0;
    rows.forEach(function (row, index) {
      if (index === 0 || !isEmpty(row)) {
        shown = index + 1;
      }
    });
    rows.forEach(function (row, index) {
      if (index >= shown) row.hidden = true;
    });

    function update() {
      var hidden = rows.filter(function (row) { return row.hidden; });
      button.classList.toggle("d-none", hidden.length === 0);
    }

    button.addEventListener("click", function () {
      var next = rows.filter(function (row) { return row.hidden; })[0];
      if (next) {
        next.hidden = false;
        var input = next.querySelector("input");
        if (input) input.focus();
      }
      update();
    });
    update();
  }

  if (step === "session") sessionStep();
  if (step === "details") detailsStep();
})();
