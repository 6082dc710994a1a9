/* The consumption page's invoice table, built in the browser from the rows the server sends
   (dashboard/tables.py: invoice_table_data). Headers are buttons whose clicks a server
   callback turns into ?ordina=… in the URL; on a phone each row becomes a labelled card. */
(function () {
  "use strict";
  var SORT_PREFIX = "consumi-ordina-";

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
      title: "Ordina per " + title.toLowerCase()
    }, [title, el("Span", {"aria-hidden": "true"}, arrow)]));
  }

  function cell(column, value, number) {
    var title = column[1], numeric = column[3], link = column[4];
    var content = value;
    if (link) {
      var label = title + " " + number + " (PDF)";
      content = el("A", {href: value, target: "_blank", rel: "noopener", title: label,
                         "aria-label": label}, "PDF");
    }
    return el("Td", {className: numeric ? "num" : undefined, "data-label": title}, content);
  }

  /* The invoice number opens «Capire la bolletta» through Dash's router, without a reload;
     its title names the page (a tooltip, and the link's description for screen readers). */
  function explained(column, href, number) {
    var link = el("Link", {href: href, title: "Capire la bolletta: fattura " + number}, number);
    link.namespace = "dash_core_components";
    return el("Td", {className: "num", "data-label": column[1]}, link);
  }

  window.dash_clientside = window.dash_clientside || {};
  window.dash_clientside.secab = Object.assign(window.dash_clientside.secab || {}, {
    invoiceTable: function (data) {
      if (!data) { return null; }
      if (!data.rows.length) {
        return el("P", {className: "hint"}, "Nessuna fattura emessa nell'anno scelto.");
      }
      var columns = data.columns;
      return el("Table", {className: "invoices"}, [
        el("Thead", {}, el("Tr", {}, columns.map(function (c) { return header(c, data.sort); }))),
        el("Tbody", {}, data.rows.map(function (row, r) {
          return el("Tr", {key: row[0]}, columns.map(function (c, i) {
            return c[0] === "numero" && data.explain ? explained(c, data.explain[r], row[0])
              : cell(c, row[i], row[0]);
          }));
        }))
      ]);
    }
  });
})();
