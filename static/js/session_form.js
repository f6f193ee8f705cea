/*
 * The session record's General form and the Change Status dialog.
 *
 *   Type change: refills End Time (start + the type's length) and the type's
 *     default Photographer, Assistant and Camera Room — only in fields the
 *     user has not touched, and only where the field is empty or still holds
 *     the previous type's default. The server fills what is left empty.
 *   Start Time change: End Time follows, keeping the length (unless touched).
 *   Camera Room and "or type a location" exclude each other.
 *   Session Status change: Status Due Date is recalculated (unless touched)
 *     from the status's default duration in studio work days.
 *   Tabs: #participants opens the Participants tab; a tab with errors is
 *     marked, and opened when the General tab has none.
 *   Leaving with unsaved changes asks first.
 *
 * Data comes from json_script blobs: #session-types, #form-status-data,
 * #status-data (the dialog).
 */
(function () {
  "use strict";

  function readJSON(id) {
    var el = document.getElementById(id);
    if (!el) return null;
    try { return JSON.parse(el.textContent); } catch (e) { return null; }
  }

  function pad(n) { return (n < 10 ? "0" : "") + n; }

  function parseTime(value) {
    var m = /^(\d{1,2}):(\d{2})/.exec(value || "");
    return m ? Number(m[1]) * 60 + Number(m[2]) : null;
  }

  function formatTime(minutes) {
    return pad(Math.floor(minutes / 60)) + ":" + pad(minutes % 60);
  }

  function parseDate(value) {
    var m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(value || "");
    return m ? new Date(Date.UTC(Number(m[1]), Number(m[2]) - 1, Number(m[3]))) : null;
  }

  function formatDate(d) {
    return d.getUTCFullYear() + "-" + pad(d.getUTCMonth() + 1) + "-" + pad(d.getUTCDate());
  }

  // The same rule as studio.timeutils.add_work_days.
  function addWorkDays(start, days, workDays) {
    if (!start || days <= 0 || !workDays || !workDays.length) return start;
    var current = new Date(start.getTime());
    var remaining = days;
    while (remaining > 0) {
      current.setUTCDate(current.getUTCDate() + 1);
      var iso = current.getUTCDay() || 7;
      if (workDays.indexOf(iso) !== -1) remaining -= 1;
    }
    return current;
  }

  function dueDateFor(data, statusId) {
    if (!data || !data.statuses || !(String(statusId) in data.statuses)) return null;
    var start = parseDate(data.today);
    if (!start) return null;
    return formatDate(addWorkDays(start, data.statuses[String(statusId)], data.work_days));
  }

  function hasOption(select, value) {
    for (var i = 0; i < select.options.length; i++) {
      if (select.options[i].value === value) return true;
    }
    return false;
  }

  function flash(el) {
    el.classList.remove("field-filled");
    void el.offsetWidth;
    el.classList.add("field-filled");
  }

  function trackTouched(form) {
    function mark(event) {
      // Only the user's own edits fire input/change: the page sets values silently.
      if (event.target && event.target.name) {
        event.target.setAttribute("data-touched", "1");
      }
    }
    form.addEventListener("input", mark);
    form.addEventListener("change", mark);
  }

  function touched(el) { return el && el.getAttribute("data-touched") === "1"; }

  // ---- The General form ------------------------------------------------------

  function sessionForm(form) {
    var types = readJSON("session-types") || {};
    var statusData = readJSON("form-status-data");
    var el = function (name) { return form.elements.namedItem(name); };
    var typeSelect = el("session_type");
    var start = el("start_time");
    var end = el("end_time");
    var photographer = el("photographer");
    var assistant = el("assistant");
    var room = el("camera_room");
    var location = el("location");
    var status = el("status");
    var due = el("status_due_date");
    if (!typeSelect || !start || !end) return;

    trackTouched(form);
    var previousType = typeSelect.value;

    function currentLength() {
      var s = parseTime(start.value);
      var e = parseTime(end.value);
      if (s !== null && e !== null && e > s) return e - s;
      var type = types[typeSelect.value];
      return type ? type.length : null;
    }
    var length = currentLength();

    function refillEnd(minutes) {
      if (touched(end) || !minutes) return;
      var s = parseTime(start.value);
      if (s === null) return;
      var e = s + minutes;
      // Past midnight: leave it empty, the server adds the type's length.
      end.value = e < 24 * 60 ? formatTime(e) : "";
      flash(end);
    }

    function refill(select, oldDefault, newDefault) {
      if (!select || touched(select) || newDefault === null || newDefault === undefined) return;
      var value = String(newDefault);
      if (!hasOption(select, value) || select.value === value) return;
      if (select.value === "" || select.value === String(oldDefault)) {
        select.value = value;
        flash(select);
      }
    }

    typeSelect.addEventListener("change", function () {
      var oldType = types[previousType] || {};
      var newType = types[typeSelect.value] || {};
      if (newType.length) {
        refillEnd(newType.length);
        if (!touched(end)) length = newType.length;
      }
      refill(photographer, oldType.photographer, newType.photographer);
      refill(assistant, oldType.assistant, newType.assistant);
      if (location && !location.value.trim()) {
        refill(room, oldType.camera_room, newType.camera_room);
      }
      previousType = typeSelect.value;
    });

    start.addEventListener("change", function () {
      if (!touched(end)) refillEnd(length || currentLength());
    });
    end.addEventListener("change", function () {
      var s = parseTime(start.value);
      var e = parseTime(end.value);
      if (s !== null && e !== null && e > s) length = e - s;
    });

    if (room && location) {
      room.addEventListener("change", function () {
        if (room.value) location.value = "";
      });
      location.addEventListener("input", function () {
        if (location.value.trim()) room.value = "";
      });
    }

    if (status && due && statusData) {
      status.addEventListener("change", function () {
        if (touched(due)) return;
        var value = dueDateFor(statusData, status.value);
        if (value) { due.value = value; flash(due); }
      });
    }

    // Unsaved changes: ask before leaving.
    var dirty = false;
    var submitting = false;
    form.addEventListener("input", function () { dirty = true; });
    form.addEventListener("change", function () { dirty = true; });
    form.addEventListener("submit", function (event) {
      if (!event.defaultPrevented) submitting = true;
    });
    window.addEventListener("beforeunload", function (event) {
      if (dirty && !submitting) {
        event.preventDefault();
        event.returnValue = "";
      }
    });
  }

  // ---- Tabs -------------------------------------------------------------------

  function tabs() {
    if (!window.bootstrap || !window.bootstrap.Tab) return;
    var general = document.getElementById("pane-general");
    var participants = document.getElementById("pane-participants");
    if (!general || !participants) return;
    var buttons = {
      "pane-general": document.getElementById("tab-general"),
      "pane-participants": document.getElementById("tab-participants")
    };
    [general, participants].forEach(function (pane) {
      if (pane.querySelector(".is-invalid, .invalid-feedback, .alert-danger")) {
        var button = buttons[pane.id];
        if (button && !button.querySelector(".tab-error")) {
          var mark = document.createElement("span");
          mark.className = "badge rounded-pill text-bg-danger tab-error";
          mark.textContent = "!";
          mark.title = "Check this tab";
          button.appendChild(mark);
        }
      }
    });
    var generalHasErrors = general.querySelector(".is-invalid, .invalid-feedback");
    var participantsHaveErrors = participants.querySelector(".is-invalid, .invalid-feedback, .alert-danger");
    if ((window.location.hash === "#participants" && !generalHasErrors) ||
        (participantsHaveErrors && !generalHasErrors)) {
      window.bootstrap.Tab.getOrCreateInstance(buttons["pane-participants"]).show();
    }
    Object.keys(buttons).forEach(function (id) {
      var button = buttons[id];
      if (!button) return;
      button.addEventListener("shown.bs.tab", function () {
        var hash = id === "pane-participants" ? "#participants" : "";
        if (window.history && window.history.replaceState) {
          window.history.replaceState(null, "", window.location.pathname + window.location.search + hash);
        }
      });
    });
  }

  // ---- Change Status ------------------------------------------------------------

  function changeStatus() {
    var data = readJSON("status-data");
    document.querySelectorAll("[data-status-form]").forEach(function (box) {
      var form = box.closest("form");
      if (!form || !data) return;
      var select = form.querySelector("select[name$='to_status']");
      var due = form.querySelector("input[name$='due_date']");
      if (!select || !due) return;
      trackTouched(form);
      select.addEventListener("change", function () {
        if (touched(due)) return;
        var value = dueDateFor(data, select.value);
        if (value) { due.value = value; flash(due); }
      });
    });
    // Reopen the dialog when it came back with errors.
    var modal = document.getElementById("change-status-modal");
    if (modal && modal.querySelector(".is-invalid") && window.bootstrap) {
      window.bootstrap.Modal.getOrCreateInstance(modal).show();
    }
  }

  var form = document.querySelector("form[data-session-form]");
  if (form && !form.hasAttribute("data-read-only")) sessionForm(form);
  tabs();
  changeStatus();

  window.Studio = window.Studio || {};
  window.Studio.addWorkDays = addWorkDays;
})();
