/* Session timeout: warn (two minutes) before the server ends an idle session, offer to stay,
   and when it has ended (or a callback is refused with 401) go to the login page, which
   brings the member back to the same view afterwards. */
(function () {
  "use strict";
  // The server's SESSION_WARNING_SECONDS and SESSION_CHECK_SECONDS, from the page's meta tags.
  function setting(name, fallback) {
    var meta = document.querySelector('meta[name="' + name + '"]');
    var value = meta ? parseFloat(meta.getAttribute("content")) : NaN;
    return value > 0 ? value : fallback;
  }
  var WARN_SECONDS = setting("session-warning-seconds", 120);
  var CHECK_SECONDS = setting("session-check-seconds", 15);
  var banner = null;
  var leaving = false;
  // The page's language (<html lang>, set by the server from the viewer's choice).
  var TEXTS = {
    it: {
      stay: "Resta collegato",
      warning: function (minutes) {
        return "Per sicurezza la sessione scade tra " + minutes +
          (minutes === 1 ? " minuto" : " minuti") + " se non la usi.";
      }
    },
    en: {
      stay: "Stay logged in",
      warning: function (minutes) {
        return "For your security the session ends in " + minutes +
          (minutes === 1 ? " minute" : " minutes") + " if you do not use it.";
      }
    }
  };
  var words = TEXTS[document.documentElement.lang] || TEXTS.it;

  function cookie(name) {
    var match = document.cookie.match(new RegExp("(?:^|; )" + name + "=([^;]*)"));
    return match ? decodeURIComponent(match[1]) : null;
  }

  function backToLogin() {
    if (leaving) { return; }
    leaving = true;
    var here = window.location.pathname + window.location.search;
    window.location.assign("/login?scaduta=1&next=" + encodeURIComponent(here));
  }

  function stay() {
    fetch("/sessione/rinnova", {
      method: "POST", credentials: "same-origin",
      headers: {"X-CSRFToken": cookie("_csrf_token") || ""}
    }).then(function (response) {
      if (response.status === 401) { backToLogin(); } else { hide(); }
    });
  }

  function show(seconds) {
    if (!banner) {
      banner = document.createElement("div");
      banner.className = "session-warning";
      banner.setAttribute("role", "alertdialog");
      banner.setAttribute("aria-live", "assertive");
      var text = document.createElement("p");
      var button = document.createElement("button");
      button.className = "button primary";
      button.type = "button";
      button.textContent = words.stay;
      button.addEventListener("click", stay);
      banner.appendChild(text);
      banner.appendChild(button);
      document.body.appendChild(banner);
      button.focus();
    }
    var minutes = Math.max(1, Math.ceil(seconds / 60));
    banner.firstChild.textContent = words.warning(minutes);
  }

  function hide() {
    if (banner) { banner.remove(); banner = null; }
  }

  function check() {
    if (window.location.pathname === "/login") { return; }  // nothing to protect there
    var deadline = parseInt(cookie("session_expires") || "", 10);
    if (!deadline) { return; }
    var left = deadline - Date.now() / 1000;
    if (left <= 0) { backToLogin(); } else if (left <= WARN_SECONDS) { show(left); } else { hide(); }
  }

  // A callback refused because the session ended: Dash would only log it, so leave politely.
  var originalFetch = window.fetch;
  window.fetch = function () {
    return originalFetch.apply(this, arguments).then(function (response) {
      if (response.status === 401 && String(response.url).indexOf("/_dash-update-component") !== -1) {
        backToLogin();
      }
      return response;
    });
  };

  window.setInterval(check, CHECK_SECONDS * 1000);
  document.addEventListener("DOMContentLoaded", check);
})();
