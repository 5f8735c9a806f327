// A counter under each text area with a limit: "120 characters of 2,000", as one types.
// The form gives the two plural forms (data-count-one, data-count-other) in the page's
// language; Intl picks the form and writes the numbers as that language does. Without this
// script the browser's maxlength alone keeps the text within the limit. Each form brings
// it (its media): a page with two such forms loads it twice, and counts once.
(function () {
  "use strict";
  var lang = document.documentElement.lang || "en";
  var plural = window.Intl && Intl.PluralRules ? new Intl.PluralRules(lang) : null;
  var number = window.Intl ? new Intl.NumberFormat(lang) : null;

  function formatted(n) {
    return number ? number.format(n) : String(n);
  }

  function attach(area) {
    var max = parseInt(area.getAttribute("maxlength"), 10);
    if (!max || area.getAttribute("data-counted")) { return; }  // one counter per area
    area.setAttribute("data-counted", "");
    var counter = document.createElement("p");
    counter.className = "char-count";
    counter.id = (area.id || area.name) + "-count";
    area.parentNode.insertBefore(counter, area.nextSibling);
    var described = area.getAttribute("aria-describedby");
    area.setAttribute("aria-describedby", (described ? described + " " : "") + counter.id);

    function update() {
      var count = area.value.length;
      var form = plural && plural.select(count) === "one" ? "one" : "other";
      var text = area.getAttribute("data-count-" + form) || "%(count)s / %(max)s";
      counter.textContent = text
        .replace("%(count)s", formatted(count))
        .replace("%(max)s", formatted(max));
      counter.classList.toggle("char-count-near", count >= max * 0.9);
    }

    area.addEventListener("input", update);
    update();
  }

  function start() {
    var areas = document.querySelectorAll("textarea[data-count][maxlength]");
    for (var i = 0; i < areas.length; i++) { attach(areas[i]); }
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", start);
  } else {
    start();
  }
})();
