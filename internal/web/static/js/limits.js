// Certif — size caps of file inputs, said before sending. An input[type=file][data-max-bytes]
// refuses a file over its cap at once, with the message of its data-too-large (the server
// refuses it too, with 413, but only once the bytes have travelled: on a phone, a 600 MB video
// would be sent for nothing, and the browser may not even show the answer).
(function () {
  "use strict";
  document.querySelectorAll("input[type=file][data-max-bytes]").forEach(function (input) {
    var max = Number(input.getAttribute("data-max-bytes"));
    input.addEventListener("change", function () {
      var big = Array.prototype.some.call(input.files || [], function (f) { return f.size > max; });
      input.setCustomValidity(big ? input.getAttribute("data-too-large") || "" : "");
      if (big) { input.reportValidity(); }
    });
  });
})();
