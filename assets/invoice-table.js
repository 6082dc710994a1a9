/* The consumption page's invoice table, built in the browser from the rows the server sends
   (dashboard/tables.py: invoice_table_data). Headers are buttons whose clicks a server
   callback turns into ?ordina=… in the URL. On a phone (style.css) the table gives way to a
   list of cards: each leads with one line (number, date, amount) and opens for the rest.
   The server sends the headers and cells in the viewer's language; the few words written
   here follow <html lang>. */
(function () {
  "use strict";
  var SORT_PREFIX = "consumi-ordina-";
  var TEXTS = {
    it: {sortBy: "Ordina per ", explain: "Capire la bolletta", invoice: "fattura",
         none: "Nessuna fattura emessa nell'anno scelto."},
    en: {sortBy: "Sort by ", explain: "Understand your bill", invoice: "invoice",
         none: "No invoices issued in the chosen year."}
  };

  function texts() {
    return TEXTS[document.documentElement.lang] || TEXTS.it;
  }

  function el(type, props, children) {
    var p = props || {};
    if (children !== undefined) { p.children = children; }
    return {namespace: "dash_html_components", type: type, props: p};
  }

  function header(column, sort) {
    var key = column[0], title = column[1], sortable = column[2], numeric = column[3];
    var props = {scope: "col", className: numeric ? "num" : undefined};
    if (!sortable) { return el("Th", props, title); }
    var state = "none";
    if (sort && sort[0] === key) { state = sort[1] ? "descending" : "ascending"; }
    props["aria-sort"] = state;
    var arrow = {ascending: " ▲", descending: " ▼", none: ""}[state];
    return el("Th", props, el("Button", {
      id: SORT_PREFIX + key, className: "sort", type: "button",
      title: texts().sortBy + title.toLowerCase()
    }, [title, el("Span", {"aria-hidden": "true"}, arrow)]));
  }

  function cell(column, value, number) {
    var title = column[1], numeric = column[3], link = column[4];
    var content = value;
    if (link) {
      // The visible «PDF» starts the accessible name (WCAG 2.5.3, label in name).
      var label = "PDF " + title + " " + number;
      content = el("A", {href: value, target: "_blank", rel: "noopener", title: label,
                         "aria-label": label}, "PDF");
    }
    return el("Td", {className: numeric ? "num" : undefined}, content);
  }

  function pdfLink(column, value, number, className) {
    var label = column[1] + " " + number + " (PDF)";
    return el("A", {href: value, target: "_blank", rel: "noopener", title: label,
                    "aria-label": label, className: className}, column[1] + " (PDF)");
  }

  /* A native <details>: the browser opens it with a tap, Enter or Space, no script needed. */
  function card(columns, row, title, explainHref) {
    var facts = [], links = [];
    columns.forEach(function (column, i) {
      if (column[5]) { return; }  /* already in the card's title */
      if (column[4]) { links.push(pdfLink(column, row[i], row[0], "button")); return; }
      facts.push(el("Dt", {}, column[1]), el("Dd", {}, row[i]));
    });
    if (explainHref) {
      var walk = el("Link", {href: explainHref, className: "button"}, texts().explain);
      walk.namespace = "dash_core_components";
      links.push(walk);
    }
    return el("Li", {key: row[0]}, el("Details", {className: "invoice-card"}, [
      el("Summary", {}, title), el("Dl", {}, facts), el("P", {className: "card-links"}, links)
    ]));
  }

  /* The invoice number opens «Capire la bolletta» through Dash's router, without a reload;
     its title names the page (a tooltip, and the link's description for screen readers). */
  function explained(column, href, number) {
    var link = el("Link", {href: href,
                           title: texts().explain + ": " + texts().invoice + " " + number},
                  number);
    link.namespace = "dash_core_components";
    return el("Td", {className: "num", "data-label": column[1]}, link);
  }

  window.dash_clientside = window.dash_clientside || {};
  window.dash_clientside.secab = Object.assign(window.dash_clientside.secab || {}, {
    invoiceTable: function (data) {
      if (!data) { return null; }
      if (!data.rows.length) {
        return el("P", {className: "hint"}, texts().none);
      }
      var columns = data.columns;
      var table = el("Table", {className: "invoices"}, [
        el("Thead", {}, el("Tr", {}, columns.map(function (c) { return header(c, data.sort); }))),
        el("Tbody", {}, data.rows.map(function (row, r) {
          return el("Tr", {key: row[0]}, columns.map(function (c, i) {
            return c[0] === "numero" && data.explain ? explained(c, data.explain[r], row[0])
              : cell(c, row[i], row[0]);
          }));
        }))
      ]);
      var cards = el("Ul", {className: "invoice-cards"},
                     data.rows.map(function (row, i) {
                       return card(columns, row, data.cards[i], data.explain && data.explain[i]);
                     }));
      return [table, cards];
    }
  });
})();
