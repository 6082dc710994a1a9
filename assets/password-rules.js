/* Live password checklist: ticks each rule as the member types, with no round trip.
   The server checks the same rules (and the common-password list) on submit. */
(function () {
  "use strict";
  var CHECKS = {
    length: function (p) { return p.length >= 8; },
    letter_digit: function (p) { return /\p{L}/u.test(p) && /\p{N}/u.test(p); },
    upper: function (p) { return /\p{Lu}/u.test(p); },
    special: function (p) { return /[^\p{L}\p{N}]/u.test(p); }
  };

  function update(input) {
    var list = document.getElementById(input.getAttribute("data-rules"));
    if (!list) { return; }
    var items = list.querySelectorAll("li[data-rule]");
    for (var i = 0; i < items.length; i++) {
      var check = CHECKS[items[i].getAttribute("data-rule")];
      if (!check) { continue; }   // checked on the server: common words, personal data
      var ok = check(input.value);
      items[i].classList.toggle("ok", ok);
      items[i].classList.toggle("ko", input.value.length > 0 && !ok);
    }
  }

  document.addEventListener("input", function (event) {
    if (event.target.matches && event.target.matches("input[data-rules]")) {
      update(event.target);
    }
  });
})();
