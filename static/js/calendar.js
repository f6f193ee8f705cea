/*
 * Calendar pages and the iCal section of User Preferences.
 *
 *   [data-cal-scroll][data-scroll-minute]   scrolls the time grid to open hours
 *   [data-copy-target="#id"]               copies that input's value
 *   [data-select-on-focus]                 selects an input's text on focus
 *   a[data-cal-key="p|t|n"]                keyboard: P previous, T today, N next
 *
 * Everything works without it; it only saves clicks.
 */
(function () {
  "use strict";
  if (window.StudioCalendar) return;  // the preferences partial may load it twice
  window.StudioCalendar = true;

  function ready(fn) {
    if (document.readyState !== "loading") fn();
    else document.addEventListener("DOMContentLoaded", fn);
  }

  function remInPx() {
    return parseFloat(getComputedStyle(document.documentElement).fontSize) || 16;
  }

  // Start the time grid at the opening hour (or just above the first item).
  function scrollGrids() {
    document.querySelectorAll("[data-cal-scroll]").forEach(function (box) {
      if (box.offsetParent === null) return;  // hidden (phone agenda instead)
      var grid = box.querySelector(".cal-grid");
      if (!grid) return;
      var hour = parseFloat(getComputedStyle(grid).getPropertyValue("--cal-hour")) * remInPx();
      if (!hour) return;
      var minute = parseInt(box.getAttribute("data-scroll-minute") || "0", 10);
      var firstItem = null;
      // Items carried over from the day before (an overnight shoot) do not count.
      box.querySelectorAll(".cal-item:not(.starts-before)").forEach(function (item) {
        var s = parseFloat(item.style.getPropertyValue("--s"));
        if (!isNaN(s) && (firstItem === null || s < firstItem)) firstItem = s;
      });
      if (firstItem !== null && firstItem < minute) minute = firstItem;
      box.scrollTop = Math.max(0, minute / 60 * hour - hour / 2);
      // Day and grouped views: bring today's first column into sight.
      var today = box.querySelector(".cal-col.is-today");
      if (today && box.scrollWidth > box.clientWidth) {
        var axis = box.querySelector(".cal-axis");
        box.scrollLeft = Math.max(0, today.offsetLeft - (axis ? axis.offsetWidth : 0));
      }
    });
  }

  function copy(button) {
    var input = document.querySelector(button.getAttribute("data-copy-target"));
    if (!input) return;
    var label = button.querySelector("[data-copy-label]") || button;
    var done = function (ok) {
      var before = label.textContent;
      label.textContent = ok ? "Copied" : "Press Ctrl+C";
      setTimeout(function () { label.textContent = before; }, 1800);
    };
    input.focus();
    input.select();
    if (navigator.clipboard && window.isSecureContext) {
      navigator.clipboard.writeText(input.value).then(function () { done(true); }, function () { done(false); });
    } else {
      var ok = false;
      try { ok = document.execCommand("copy"); } catch (e) { ok = false; }
      done(ok);
    }
  }

  document.addEventListener("click", function (event) {
    var button = event.target instanceof Element && event.target.closest("[data-copy-target]");
    if (button) {
      event.preventDefault();
      copy(button);
    }
  });

  document.addEventListener("focusin", function (event) {
    var el = event.target;
    if (el instanceof HTMLInputElement && el.hasAttribute("data-select-on-focus")) el.select();
  });

  document.addEventListener("keydown", function (event) {
    if (event.altKey || event.ctrlKey || event.metaKey || event.defaultPrevented) return;
    var target = event.target;
    if (target instanceof Element && target.closest("input, textarea, select, [contenteditable], .modal")) return;
    var link = document.querySelector('a[data-cal-key="' + event.key.toLowerCase() + '"]');
    if (link) {
      event.preventDefault();
      window.location.href = link.href;
    }
  });

  ready(scrollGrids);
})();
