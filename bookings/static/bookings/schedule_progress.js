// Follows a scheduler run without reloading the page: polls its progress (JSON) every
// second and updates the figures; reloads once the run is over to show the preview.
// Without this script the page refreshes itself every two seconds (meta refresh).
(function () {
  "use strict";
  var box = document.getElementById("run-progress");
  if (!box || !window.fetch) { return; }
  var refresh = document.querySelector('meta[http-equiv="refresh"]');
  if (refresh) { refresh.parentNode.removeChild(refresh); }
  var url = box.getAttribute("data-progress-url");
  function show(name, value) {
    var cell = box.querySelector('[data-field="' + name + '"]');
    if (cell) { cell.textContent = value === null || value === undefined ? "—" : String(value); }
  }
  function tick() {
    fetch(url, { credentials: "same-origin", headers: { "Accept": "application/json" } })
      .then(function (response) { return response.ok ? response.json() : null; })
      .then(function (data) {
        if (!data) { window.setTimeout(tick, 2000); return; }
        show("state_label", data.state_label);
        show("best_breaks", data.best_breaks);
        show("bound", data.bound);
        show("elapsed", data.elapsed.toFixed(1));
        if (data.state === "queued" || data.state === "running") {
          window.setTimeout(tick, 1000);
        } else {
          window.location.reload();
        }
      })
      .catch(function () { window.setTimeout(tick, 2000); });
  }
  window.setTimeout(tick, 1000);
})();
