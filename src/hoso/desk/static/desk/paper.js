/* The typed paper dossier at the desk (no build step, no inline script under the CSP):
   - the unit or commune code is looked up as soon as it is typed: its name and tax code are filled in
     (unless the officer typed others) and the managing office is shown beside the code; a code that
     names nobody is said beside it, before anything is sent;
   - after a refused form, the cursor is on the wrong value of the first wrong line of the list. */
(function () {
  "use strict";
  var form = document.getElementById("paper-form");
  if (!form) return;
  var rows = form.querySelector("textarea[data-error-start]");  // only when the list is the first error
  if (rows) {
    rows.focus();  // not left to autofocus, which the browser may apply after this script
    rows.setSelectionRange(parseInt(rows.dataset.errorStart, 10), parseInt(rows.dataset.errorEnd, 10));
  }
  var code = form.querySelector("[data-submitter-lookup]");
  var out = document.getElementById("paper-submitter");
  if (!code || !out) return;
  var kind = form.querySelector("[name$='kind']");
  var name = form.querySelector("[name$='-name']");
  var tax = form.querySelector("[name$='tax_code']");
  var asked = "";
  function fill(field, value) {
    if (!field) return;
    if (!field.value || field.dataset.filled === field.value) {
      field.value = value;
      field.dataset.filled = value;
    }
  }
  function look() {
    var typed = code.value.trim().toUpperCase();
    var key = (kind ? kind.value : "1") + ":" + typed;
    if (!typed || key === asked) return;
    asked = key;
    var url = out.dataset.lookupUrl + "?loai=" + encodeURIComponent(kind ? kind.value : "1") +
      "&ma=" + encodeURIComponent(typed);
    fetch(url, {credentials: "same-origin", headers: {"Accept": "application/json"}})
      .then(function (response) { return response.json(); })
      .then(function (answer) {
        if (asked !== key) return;  // another code was typed meanwhile
        out.className = answer.found ? (answer.other_office ? "warn" : "ok") : "error";
        out.textContent = answer.found ? answer.summary : answer.message;
        code.setAttribute("aria-invalid", answer.found ? "false" : "true");
        if (answer.found) {
          fill(name, answer.name);
          fill(tax, answer.tax_code);
        }
      })
      .catch(function () { asked = ""; });
  }
  code.addEventListener("change", look);
  code.addEventListener("blur", look);
  code.addEventListener("input", function () {
    var need = kind && kind.value === "2" ? 5 : 7;
    if (code.value.trim().length >= need) look();
  });
  if (kind) kind.addEventListener("change", function () { asked = ""; look(); });
  if (code.value.trim()) look();
})();
