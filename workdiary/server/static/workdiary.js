// Optional niceties; every page works without this file.
(function () {
  // Submit the time-zone selector as soon as a zone is picked.
  document.querySelectorAll("select[data-autosubmit]").forEach(function (select) {
    select.addEventListener("change", function () { select.form.submit(); });
  });
})();
