// Certif — « Copier » buttons. A button[data-copy] copies the value (or text) of the element
// whose id it names. Without JavaScript the button stays hidden and the secret stays
// selectable in its read-only field.
(function () {
  "use strict";
  function copy(button) {
    var target = document.getElementById(button.getAttribute("data-copy"));
    if (!target) { return; }
    var value = "value" in target ? target.value : target.textContent;
    var done = function () {
      var label = button.getAttribute("data-copied");
      if (label) {
        var before = button.textContent;
        button.textContent = label;
        setTimeout(function () { button.textContent = before; }, 2000);
      }
    };
    if (navigator.clipboard && window.isSecureContext) {
      navigator.clipboard.writeText(value).then(done, function () { fallback(target, done); });
    } else {
      fallback(target, done);
    }
  }
  // fallback selects the text (an input's value, or an element's content) and asks the
  // browser to copy it; when it cannot, the text stays selected for Ctrl+C.
  function fallback(target, done) {
    if (target.select) {
      target.focus();
      target.select();
    } else {
      var range = document.createRange();
      range.selectNodeContents(target);
      var sel = window.getSelection();
      sel.removeAllRanges();
      sel.addRange(range);
    }
    try { if (document.execCommand("copy")) { done(); } } catch (e) { /* the text stays selected */ }
  }
  function init() {
    var buttons = document.querySelectorAll("button[data-copy]");
    for (var i = 0; i < buttons.length; i++) {
      buttons[i].hidden = false;
      buttons[i].addEventListener("click", function (ev) { copy(ev.currentTarget); });
    }
  }
  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", init);
  } else {
    init();
  }
})();
