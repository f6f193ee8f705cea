/*
 * Studio sessions — small page helpers, no dependencies.
 *
 *   <form data-confirm="Cancel this session?">   asks before submitting
 *   <button type="submit" data-confirm="…">       asks when this button submits
 *   <select data-autosubmit>                     submits its form on change
 *     (also checkboxes, radios and inputs with data-autosubmit)
 *   <tr data-href="/sessions/12/">                whole row opens the link
 *
 *   Studio.csrfToken()  the CSRF token for fetch() POSTs
 *                       (header "X-CSRFToken").
 */
(function () {
  "use strict";

  function cookie(name) {
    var parts = document.cookie ? document.cookie.split("; ") : [];
    for (var i = 0; i < parts.length; i++) {
      var eq = parts[i].indexOf("=");
      if (parts[i].slice(0, eq) === name) {
        return decodeURIComponent(parts[i].slice(eq + 1));
      }
    }
    return null;
  }

  function csrfToken() {
    var input = document.querySelector("input[name=csrfmiddlewaretoken]");
    return input ? input.value : cookie("csrftoken");
  }

  // Confirm before submit: the submitting button's question wins over the form's.
  document.addEventListener("submit", function (event) {
    var form = event.target;
    if (!(form instanceof HTMLFormElement)) return;
    var submitter = event.submitter;
    var question = (submitter && submitter.getAttribute("data-confirm")) ||
      form.getAttribute("data-confirm");
    if (question && !window.confirm(question)) {
      event.preventDefault();
      event.stopImmediatePropagation();
    }
  }, true);

  // Auto-submit on change. requestSubmit() runs validation and submit handlers.
  document.addEventListener("change", function (event) {
    var el = event.target;
    if (!(el instanceof Element) || !el.hasAttribute("data-autosubmit")) return;
    var form = el.form;
    if (!form) return;
    if (typeof form.requestSubmit === "function") {
      form.requestSubmit();
    } else {
      form.submit();
    }
  });

  // Clickable rows: ignore clicks on the row's own links, buttons and fields.
  document.addEventListener("click", function (event) {
    var target = event.target;
    if (!(target instanceof Element)) return;
    if (target.closest("a, button, input, select, textarea, label, summary")) return;
    var row = target.closest("tr[data-href]");
    if (!row) return;
    var href = row.getAttribute("data-href");
    if (event.ctrlKey || event.metaKey || event.button === 1) {
      window.open(href, "_blank");
    } else {
      window.location.assign(href);
    }
  });

  window.Studio = window.Studio || {};
  window.Studio.csrfToken = csrfToken;
  window.Studio.cookie = cookie;
})();
