/* When a callback fails, say so in the page: Dash itself only logs the error and the page
   stays as it was (or blank). Watches the answers of /_dash-update-component:
   401 -> the session is over, with a link to log in again (session.js also leaves the page);
   5xx, 503 (database unreachable) or no answer at all -> "service unavailable" until a later
   callback succeeds. The message lives in an aria-live region so screen readers announce it.
   Its words follow <html lang>, which the server sets for the viewer. */
(function () {
  "use strict";
  var CALLBACK = "/_dash-update-component";
  var TEXTS = {
    it: {
      unavailable: "Servizio momentaneamente non disponibile: non riusciamo a caricare i " +
        "dati. Riprova tra qualche minuto.",
      offline: "Connessione assente o instabile: non riusciamo a caricare i dati. " +
        "Controlla la connessione e riprova.",
      invalid: "La pagina non è aggiornata: ricaricala e riprova.",
      expired: "La sessione è scaduta.",
      login: "Accedi di nuovo"
    },
    en: {
      unavailable: "The service is temporarily unavailable: we cannot load the data. " +
        "Please try again in a few minutes.",
      offline: "No connection, or an unstable one: we cannot load the data. " +
        "Check your connection and try again.",
      invalid: "This page is out of date: reload it and try again.",
      expired: "Your session has expired.",
      login: "Log in again"
    }
  };
  var region = null;

  function texts() {
    return TEXTS[document.documentElement.lang] || TEXTS.it;
  }

  function ensureRegion() {
    if (region) { return region; }
    region = document.createElement("div");
    region.id = "avviso-servizio";
    // Styled like .alert, without its class: tests and styles look for .alert in the page.
    region.className = "callback-error";
    region.setAttribute("role", "status");
    region.setAttribute("aria-live", "polite");
    region.hidden = true;
    region.style.position = "fixed";
    region.style.left = "1rem";
    region.style.right = "1rem";
    region.style.top = "1rem";
    region.style.zIndex = "1001";
    region.style.maxWidth = "640px";
    region.style.margin = "0 auto";
    region.style.padding = "0.7rem 1rem";
    region.style.borderRadius = "10px";
    region.style.background = "var(--alert-bg)";
    region.style.color = "var(--alert)";
    region.style.fontWeight = "600";
    document.body.appendChild(region);
    return region;
  }

  function say(text, link) {
    var box = ensureRegion();
    box.textContent = text;
    if (link) {
      box.appendChild(document.createTextNode(" "));
      var anchor = document.createElement("a");
      anchor.href = link.href;
      anchor.textContent = link.text;
      box.appendChild(anchor);
    }
    box.hidden = false;
  }

  function clear() {
    if (region && !region.hidden) {
      region.hidden = true;
      region.textContent = "";
    }
  }

  function isCallback(input) {
    var url = typeof input === "string" ? input : (input && input.url) || "";
    return String(url).indexOf(CALLBACK) !== -1;
  }

  function loginLink() {
    var here = window.location.pathname + window.location.search;
    return {href: "/login?scaduta=1&next=" + encodeURIComponent(here), text: texts().login};
  }

  function report(response) {
    if (response.status === 401) {
      say(texts().expired, loginLink());
    } else if (response.status >= 500) {
      say(texts().unavailable);
    } else if (response.status === 400) {
      say(texts().invalid);
    } else if (response.ok) {
      clear();
    }
  }

  var originalFetch = window.fetch;
  window.fetch = function (input) {
    var watched = isCallback(input);
    var answer = originalFetch.apply(this, arguments);
    if (!watched) { return answer; }
    return answer.then(function (response) {
      report(response);
      return response;
    }, function (error) {
      say(texts().offline);
      throw error;
    });
  };

  document.addEventListener("DOMContentLoaded", ensureRegion);
})();
