/*
 * On-screen session reminders, on every staff page.
 *
 * base.html loads this with data-url="/reminders/due.json". On load, every
 * minute, and when the tab comes back into view it asks for the user's due
 * reminders and shows each as an alert in <div id="reminders">: the session,
 * its client, when it starts, Open and Dismiss. Dismiss POSTs (CSRF token
 * from the page or the cookie) to the reminder's dismiss_url; only this user's
 * reminder goes away. Text from the server is set with textContent, never as HTML.
 */
(function () {
  "use strict";

  var script = document.currentScript;
  var box = document.getElementById("reminders");
  var url = script && script.getAttribute("data-url");
  if (!box || !url || !window.fetch) return;

  var POLL_MS = 60 * 1000;
  // A front desk that booked a busy day can have many reminders at once: show the
  // soonest few and fold the rest behind one button rather than filling the page.
  var MAX_VISIBLE = 3;
  var shown = {};      // session id -> alert element
  var dismissed = {};  // ids dismissed on this page, ignored until the server agrees
  var expanded = false;
  var more = el("button", "btn btn-sm btn-outline-dark mb-2 reminder-more d-none");
  more.type = "button";
  more.addEventListener("click", function () { expanded = !expanded; fold(); });

  function csrfToken() {
    if (window.Studio && window.Studio.csrfToken) return window.Studio.csrfToken();
    var match = document.cookie.match(/(?:^|; )csrftoken=([^;]*)/);
    return match ? decodeURIComponent(match[1]) : "";
  }

  function el(tag, className, text) {
    var node = document.createElement(tag);
    if (className) node.className = className;
    if (text !== undefined) node.textContent = text;
    return node;
  }

  function describe(item) {
    var parts = [item.client, item.description];
    if (item.place) parts.push(item.place);
    return parts.join(" · ");
  }

  function build(item) {
    var alert = el("div", "alert alert-warning reminder-alert d-flex flex-wrap align-items-center gap-2 shadow-sm mb-2");
    alert.setAttribute("role", "alert");
    alert.setAttribute("data-reminder", item.id);

    var icon = el("i", "bi bi-alarm fs-4 text-warning-emphasis");
    icon.setAttribute("aria-hidden", "true");
    alert.appendChild(icon);

    var body = el("div", "flex-grow-1");
    body.style.minWidth = "12rem";
    body.appendChild(el("div", "fw-semibold reminder-title", ""));
    body.appendChild(el("div", "small reminder-what", ""));
    alert.appendChild(body);

    var actions = el("div", "d-flex gap-2 ms-auto");
    var open = el("a", "btn btn-sm btn-outline-dark", "Open");
    open.href = item.url;
    actions.appendChild(open);
    var dismiss = el("button", "btn btn-sm btn-warning", "Dismiss");
    dismiss.type = "button";
    dismiss.setAttribute("aria-label", "Dismiss the reminder for session #" + item.number);
    dismiss.addEventListener("click", function () { dismissOne(item, alert, dismiss); });
    actions.appendChild(dismiss);
    alert.appendChild(actions);
    return alert;
  }

  function update(alert, item) {
    // "Session #1003 starts in 19 minutes" / "Today at 2:55 PM · Nakamura, Kei · Newborn photos"
    alert.querySelector(".reminder-title").textContent = "Session #" + item.number + " " + item.starts_in;
    alert.querySelector(".reminder-what").textContent = item.day + " at " + item.time + " · " + describe(item);
  }

  function render(items) {
    var current = {};
    items.forEach(function (item) {
      if (dismissed[item.id]) return;
      current[item.id] = true;
      var alert = shown[item.id];
      if (!alert) {
        alert = build(item);
        shown[item.id] = alert;
        box.appendChild(alert);
      }
      update(alert, item);
    });
    Object.keys(shown).forEach(function (id) {
      if (!current[id]) {
        shown[id].remove();
        delete shown[id];
      }
    });
    fold();
  }

  function fold() {
    var alerts = box.querySelectorAll(".reminder-alert");
    var hidden = 0;
    alerts.forEach(function (alert, index) {
      var hide = !expanded && index >= MAX_VISIBLE;
      alert.classList.toggle("d-none", hide);
      if (hide) hidden += 1;
    });
    var extra = alerts.length - MAX_VISIBLE;
    more.classList.toggle("d-none", extra <= 0);
    more.textContent = expanded ? "Show fewer reminders"
      : "Show " + hidden + " more reminder" + (hidden === 1 ? "" : "s");
    box.appendChild(more);
  }

  function dismissOne(item, alert, button) {
    button.disabled = true;
    fetch(item.dismiss_url, {
      method: "POST",
      credentials: "same-origin",
      headers: { "X-CSRFToken": csrfToken(), "Accept": "application/json", "X-Requested-With": "XMLHttpRequest" }
    }).then(function (response) {
      if (!response.ok) throw new Error("HTTP " + response.status);
      dismissed[item.id] = true;
      alert.remove();
      delete shown[item.id];
      fold();
    }).catch(function () {
      button.disabled = false;
      var note = alert.querySelector(".reminder-error") || el("div", "small text-danger w-100 reminder-error");
      note.textContent = "The reminder could not be dismissed. Check the connection and try again.";
      alert.appendChild(note);
    });
  }

  function poll() {
    fetch(url, { credentials: "same-origin", headers: { "Accept": "application/json" }, cache: "no-store" })
      .then(function (response) {
        var type = response.headers.get("Content-Type") || "";
        if (!response.ok || type.indexOf("application/json") === -1) return null;  // logged out, offline
        return response.json();
      })
      .then(function (items) { if (Array.isArray(items)) render(items); })
      .catch(function () { /* offline: try again next minute */ });
  }

  poll();
  setInterval(function () { if (!document.hidden) poll(); }, POLL_MS);
  document.addEventListener("visibilitychange", function () { if (!document.hidden) poll(); });
})();
