/* The desk's keyboard helpers (no build step). A keyboard-wedge scanner types each symbol followed by
   Enter: the scanner field submits itself once the typing stops; Ctrl+Enter submits any form. */
(function () {
  "use strict";
  document.addEventListener("keydown", function (event) {
    if (event.key === "Enter" && (event.ctrlKey || event.metaKey) && event.target.form) {
      event.preventDefault();
      event.target.form.requestSubmit();
    }
  });
  document.querySelectorAll("textarea[data-autosubmit]").forEach(function (field) {
    var wait = parseInt(field.dataset.autosubmit, 10) || 1500;
    var timer = null;
    field.addEventListener("input", function () {
      clearTimeout(timer);
      if (!field.value.trim()) return;
      timer = setTimeout(function () {
        if (field.value.trim()) field.form.requestSubmit();
      }, wait);
    });
    field.focus();
  });
})();
