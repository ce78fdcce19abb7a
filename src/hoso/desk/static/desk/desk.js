/* The desk's keyboard helpers (no build step). A keyboard-wedge scanner types each symbol followed by
   Enter: the scanner field submits itself once the typing stops; Ctrl+Enter submits any form; a form is
   sent once; Alt+S / Alt+U / Alt+P (the reception tabs) put the cursor in their section. */
(function () {
  "use strict";
  document.addEventListener("keydown", function (event) {
    if (event.key === "Enter" && (event.ctrlKey || event.metaKey) && event.target.form) {
      event.preventDefault();
      event.target.form.requestSubmit();
    }
  });
  document.addEventListener("submit", function (event) {
    var form = event.target;
    if (form.dataset.sent) { event.preventDefault(); return; }
    if (!form.hasAttribute("hx-get")) form.dataset.sent = "1";
    form.querySelectorAll("textarea[data-autosubmit]").forEach(function (f) { clearTimeout(f._timer); });
  });
  document.querySelectorAll("textarea[data-autosubmit]").forEach(function (field) {
    var wait = parseInt(field.dataset.autosubmit, 10) || 1500;
    field.addEventListener("input", function () {
      clearTimeout(field._timer);
      if (!field.value.trim()) return;
      field._timer = setTimeout(function () {
        if (field.value.trim()) field.form.requestSubmit();
      }, wait);
    });
    if (!document.querySelector("[data-focus-first]")) field.focus();  // a question comes first
  });
  function focusSection() {
    var section = location.hash && document.querySelector(location.hash + ".card");
    var first = section && section.querySelector("input:not([type=hidden]), select, textarea");
    if (first) first.focus();
  }
  window.addEventListener("hashchange", focusSection);
  window.addEventListener("pageshow", function () {  // back to a page kept in the cache: forms work again
    document.querySelectorAll("form[data-sent]").forEach(function (f) { delete f.dataset.sent; });
  });
})();
