// The reason for absence is asked only of a row marked absent: enable its select while it is.
(function () {
  "use strict";
  function sync(row) {
    var absent = row.querySelector('input[type="radio"][value="absent"]');
    var reason = row.querySelector("[data-absence-reason]");
    if (!absent || !reason) return;
    reason.disabled = !absent.checked;
    reason.required = absent.checked;
  }
  document.querySelectorAll("[data-register-row]").forEach(function (row) {
    sync(row);
    row.addEventListener("change", function () { sync(row); });
  });
})();
