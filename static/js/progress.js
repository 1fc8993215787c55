// A "being prepared" page: asks the server now and then whether the file is ready (the
// element's data-progress-url answers {"state": ...}), says so in its status line when it
// is, and starts the download; a failure reloads the page, which then explains it. Without
// this script the page still works: its link asks again.
(function () {
  "use strict";
  var watch = document.querySelector("[data-progress-url]");
  if (!watch || !window.fetch) {
    return;
  }
  var status = watch.querySelector("[role=status]");
  var delay = 3000;
  var giveUpAt = Date.now() + 40 * 60 * 1000;

  function ready() {
    if (status) {
      status.textContent = watch.getAttribute("data-ready-text");
    }
    window.location.assign(watch.getAttribute("data-download-url"));
  }

  function ask() {
    window.fetch(watch.getAttribute("data-progress-url"), {
      credentials: "same-origin",
      headers: { Accept: "application/json" },
    })
      .then(function (response) {
        return response.ok ? response.json() : { state: "unknown" };
      })
      .then(function (answer) {
        if (answer.state === "ready") {
          ready();
        } else if (answer.state === "failed") {
          window.location.reload();
        } else {
          later();
        }
      })
      .catch(later);
  }

  function later() {
    if (Date.now() > giveUpAt) {
      return;
    }
    window.setTimeout(ask, delay);
    delay = Math.min(delay * 1.5, 30000);
  }

  later();
})();
