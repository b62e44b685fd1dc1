// Certif — live counts of a text being typed (the dossier's summary). A textarea[data-counts]
// names the element that shows its words and characters without spaces, counted as the
// server does (package dossier: a word is a run of non-spaces holding a letter or a digit; a
// character is anything but a space or a control character). The element's data-template
// holds « {words} » and « {chars} ». Without JavaScript, the counts of the saved text remain.
(function () {
  "use strict";
  var wordRune = /[\p{L}\p{N}]/u;
  var notChar = /[\s\p{Cc}]/u;
  function count(text) {
    var words = 0, chars = 0;
    text.split(/\s+/u).forEach(function (f) { if (wordRune.test(f)) { words++; } });
    for (var ch of text) { if (!notChar.test(ch)) { chars++; } }
    return [words, chars];
  }
  document.querySelectorAll("textarea[data-counts]").forEach(function (ta) {
    var out = document.getElementById(ta.getAttribute("data-counts"));
    if (!out) { return; }
    var tpl = out.getAttribute("data-template") || "{words} / {chars}";
    var fmt = new Intl.NumberFormat(document.documentElement.lang || "fr");
    function update() {
      var n = count(ta.value);
      out.textContent = tpl.replace("{words}", fmt.format(n[0])).replace("{chars}", fmt.format(n[1]));
      out.hidden = false;
    }
    ta.addEventListener("input", update);
    update();
  });
})();
