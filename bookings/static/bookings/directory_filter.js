// Filters the directory as the choices change: fetches the same page with the form's
// query and swaps in its count and results, and keeps the address in step so that it
// can be shared or reloaded. Without this script the Search button does the same.
(function () {
  "use strict";
  var form = document.querySelector("form[data-live-filter]");
  var count = document.getElementById("directory-count");
  var results = document.getElementById("directory-results");
  if (!form || !count || !results || !window.fetch || !window.DOMParser ||
      !window.URLSearchParams || !window.FormData || !window.history.replaceState) { return; }
  var latest = 0;
  var timer = null;
  function update() {
    var ticket = ++latest;
    var query = new URLSearchParams();
    new FormData(form).forEach(function (value, key) { if (value !== "") { query.append(key, value); } });
    var url = window.location.pathname + (query.toString() ? "?" + query.toString() : "");
    fetch(url, { credentials: "same-origin", headers: { "Accept": "text/html" } })
      .then(function (response) { return response.ok ? response.text() : null; })
      .then(function (html) {
        if (html === null || ticket !== latest) { return; }
        var fresh = new DOMParser().parseFromString(html, "text/html");
        var freshCount = fresh.getElementById("directory-count");
        var freshResults = fresh.getElementById("directory-results");
        if (!freshCount || !freshResults) { return; }
        count.textContent = freshCount.textContent;
        results.replaceChildren.apply(
          results, Array.prototype.map.call(freshResults.childNodes, function (node) {
            return document.importNode(node, true);
          })
        );
        window.history.replaceState(null, "", url);
      })
      .catch(function () { /* the Search button still works */ });
  }
  form.addEventListener("change", function () {
    window.clearTimeout(timer);
    update();
  });
  form.addEventListener("input", function (event) {
    if (event.target.type !== "search" && event.target.type !== "text") { return; }
    window.clearTimeout(timer);
    timer = window.setTimeout(update, 350);
  });
})();
