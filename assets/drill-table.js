/* The consumption page's data table under the chart, built in the browser from the rows the
   server sends (dashboard/curve_tables.py: table). A row whose first cell has a link leads one
   level down (a month's days, a day's quarter hours): a dcc.Link, so Tab and Enter drill down
   without a mouse and the URL keeps the level. */
(function () {
  "use strict";

  function el(type, props, children, namespace) {
    var p = props || {};
    if (children !== undefined) { p.children = children; }
    return {namespace: namespace || "dash_html_components", type: type, props: p};
  }

  /* The page's language (<html lang>, set by the server for the viewer) names the links. */
  function openTitle(label) {
    var english = (document.documentElement.lang || "it").slice(0, 2) === "en";
    return (english ? "Open " : "Apri ") + label;
  }

  function head(row, columns, href) {
    var label = row[0];
    var content = href ? el("Link", {href: href, title: openTitle(label)}, label,
                            "dash_core_components") : label;
    return el("Th", {scope: "row", "data-label": columns[0][0]}, content);
  }

  function cells(row, columns) {
    return row.slice(1).map(function (value, i) {
      var column = columns[i + 1];
      return el("Td", {className: column[1] ? "num" : undefined, "data-label": column[0]},
                value);
    });
  }

  window.dash_clientside = window.dash_clientside || {};
  window.dash_clientside.secab = Object.assign(window.dash_clientside.secab || {}, {
    drillTable: function (data) {
      if (!data) { return null; }
      var columns = data.columns;
      var parts = [
        el("Caption", {}, data.caption),
        el("Thead", {}, el("Tr", {}, columns.map(function (c) {
          return el("Th", {scope: "col", className: c[1] ? "num" : undefined}, c[0]);
        }))),
        el("Tbody", {}, data.rows.map(function (row, i) {
          var href = data.links ? data.links[i] : null;
          return el("Tr", {key: String(i)}, [head(row, columns, href)]
            .concat(cells(row, columns)));
        }))
      ];
      if (data.footer) {
        parts.push(el("Tfoot", {}, el("Tr", {}, [head(data.footer, columns, null)]
          .concat(cells(data.footer, columns)))));
      }
      return el("Table", {className: "drill"}, parts);
    }
  });
})();
