// Certif — live counts of a text being typed (the dossier's summary). A textarea[data-counts]
// names the element that shows its words and characters without spaces, counted as the
// server does (package dossier: a word is a run of non-spaces holding a letter or a digit; a
// character is anything but a space or a control character). The element's data-template
// holds « {words} » and « {chars} ». With data-min and data-max (words), a count outside the
// range gets the class count-attention (orange), or count-manquant (red) beyond the report's
// tolerance (data-tolerance, a fraction of the nearest bound), and the element's
// data-too-short or data-too-long text after the counts. Without JavaScript, the counts of
// the saved text remain.
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
    var min = Number(out.getAttribute("data-min")) || 0, max = Number(out.getAttribute("data-max")) || 0;
    var tol = Number(out.getAttribute("data-tolerance")) || 0;
    function update() {
      var n = count(ta.value), text = tpl.replace("{words}", fmt.format(n[0])).replace("{chars}", fmt.format(n[1]));
      var grade = "";
      out.classList.remove("count-attention", "count-manquant");
      if (max > 0 && n[0] > 0 && (n[0] < min || n[0] > max)) {
        var far = n[0] < min ? n[0] < min * (1 - tol) : n[0] > max * (1 + tol);
        grade = far ? "count-manquant" : "count-attention";
        out.classList.add(grade);
        text += " " + (out.getAttribute(n[0] < min ? "data-too-short" : "data-too-long") || "");
      }
      out.textContent = text;
      out.hidden = false;
    }
    ta.addEventListener("input", update);
    update();
  });
})();
