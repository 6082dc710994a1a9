/* Import on interaction (dashboard/first_view.py): the page came complete in the first HTML,
   readable and usable without JavaScript (links, a GET form). At the member's first
   interaction — a pointer moved or pressed, a touch, the wheel, a key, a changed control —
   Dash's scripts load, the renderer draws the interactive page out of sight
   (#react-entry-point.waiting), and once it is complete (no callback pending, every
   visible chart drawn) it takes the place of the first view, with the choices and the
   focus the member gave the first view. No timer starts the scripts: Lighthouse, a
   crawler or a member who only reads never runs them. */
(function () {
  "use strict";
  var LATER = "text/x-first-view";   // dashboard/index.py: first_view_entry
  var waiting = document.querySelectorAll('script[src][type="' + LATER + '"]');
  if (!waiting.length) { return; }
  var EVENTS = ["pointermove", "pointerdown", "touchstart", "wheel", "keydown", "change"];
  var PREFIX = "fv-";
  var LONGEST_WAIT_MS = 20000;   // then the interactive page shows as it is
  var started = false;
  var replay = null;   // a button only Dash can answer, pressed in the first view

  function start() {
    if (started) { return; }
    started = true;
    EVENTS.forEach(function (name) { window.removeEventListener(name, start, true); });
    var last = null;
    waiting.forEach(function (tag) {
      var script = document.createElement("script");
      script.src = tag.getAttribute("src");
      script.async = false;   // run in the listed order, as the tags would
      document.head.appendChild(script);
      last = script;
    });
    last.addEventListener("load", function () {
      new window.DashRenderer();
      waitUntilDrawn(Date.now());
    });
  }

  function drawn(entry) {
    var stores = window.dash_stores;
    if (!stores || !stores.length) { return false; }
    var state = stores[0].getState();
    if (state.appLifecycle !== "HYDRATED" || state.isLoading) { return false; }
    if (entry.querySelector(".skeleton, [data-dash-is-loading]")) { return false; }
    var graphs = entry.querySelectorAll(".dash-graph");
    for (var i = 0; i < graphs.length; i++) {
      if (graphs[i].offsetParent !== null && !graphs[i].querySelector(".main-svg")) {
        return false;
      }
    }
    return entry.querySelector("main") !== null;
  }

  function waitUntilDrawn(since) {
    var entry = document.getElementById("react-entry-point");
    if (drawn(entry) || Date.now() - since > LONGEST_WAIT_MS) {
      takeOver(entry);
    } else {
      window.setTimeout(function () { waitUntilDrawn(since); }, 100);
    }
  }

  /* A select the member changed in the first view: choose the same option in React's. */
  function carry(select) {
    var chosen = select.options[select.selectedIndex];
    var target = document.getElementById(select.id.slice(PREFIX.length));
    if (!chosen || chosen.defaultSelected || !target) { return; }
    for (var i = 0; i < target.options.length; i++) {
      if (target.options[i].text === chosen.text) {
        target.value = target.options[i].value;
        target.dispatchEvent(new Event("change", {bubbles: true}));
        return;
      }
    }
  }

  function takeOver(entry) {
    var first = document.querySelector(".first-view");
    var focused = document.activeElement;
    first.querySelectorAll("select[id^='" + PREFIX + "']").forEach(carry);
    var scroll = window.scrollY;
    first.remove();
    entry.classList.remove("waiting");
    window.scrollTo(0, scroll);
    if (focused && focused.id && focused.id.indexOf(PREFIX) === 0) {
      var twin = document.getElementById(focused.id.slice(PREFIX.length));
      if (twin) { twin.focus(); }
    }
    if (replay) {
      var pressed = document.getElementById(replay.slice(PREFIX.length));
      if (pressed) { pressed.click(); }
    }
  }

  /* «Codice per l'assistenza» and its like (data-replay): the member's press starts Dash
     and is made again on Dash's own button once it has taken over, not lost. */
  document.addEventListener("click", function (event) {
    var button = event.target.closest ? event.target.closest("button[data-replay]") : null;
    if (!button) { return; }
    replay = button.id;
    start();
  }, true);

  EVENTS.forEach(function (name) {
    window.addEventListener(name, start, {capture: true, passive: true});
  });
})();
