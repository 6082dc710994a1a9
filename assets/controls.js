/* Native form controls for Dash (dashboard/controls.py): a <select> and a group of radios in a
   <fieldset> with its <legend>. Dash 4's dcc.Dropdown and dcc.RadioItems fail axe-core (an
   aria-hidden focusable input, a button named only by its value, radios inside listbox roles);
   native elements are announced with their <label> or <legend> by every screen reader, and
   a phone opens its own large picker. Each option's value keeps its type (a contract id is a
   number): the DOM carries the option's position, and setProps sends the option's own value. */
(function () {
  "use strict";
  var h = window.React.createElement;

  function position(options, value) {
    for (var i = 0; i < options.length; i++) {
      if (options[i].value === value || String(options[i].value) === String(value)) {
        return i;
      }
    }
    return -1;
  }

  /* The select is the control; the face behind it shows the whole choice on as many lines as
     it needs (a closed <select> cuts its text at its width: a POD must stay whole). */
  function Select(props) {
    var options = props.options || [];
    var at = position(options, props.value);
    var items = options.map(function (option, i) {
      return h("option", {key: i, value: String(i)}, option.label);
    });
    if (at < 0) {
      items.unshift(h("option", {key: "none", value: "", disabled: true},
                      props.placeholder || ""));
    }
    var shown = at < 0 ? (props.placeholder || "") : options[at].label;
    return h("div", {className: "select " + (props.className || "")}, [
      h("span", {key: "face", className: "select-face" + (at < 0 ? " empty" : ""),
                 "aria-hidden": "true"}, shown),
      h("select", {
        key: "select", id: props.id, value: at < 0 ? "" : String(at),
        disabled: props.disabled,
        onChange: function (event) {
          var option = options[Number(event.target.value)];
          if (option) { props.setProps({value: option.value}); }
        }
      }, items)
    ]);
  }

  function RadioGroup(props) {
    var options = props.options || [];
    var at = position(options, props.value);
    return h("fieldset", {id: props.id, className: "radio-group " + (props.className || "")},
      [h("legend", {key: "legend", className: props.legendClassName}, props.legend)].concat(
        options.map(function (option, i) {
          return h("label", {key: i}, [
            h("input", {key: "input", type: "radio", name: props.id, value: String(i),
                        checked: i === at,
                        onChange: function () { props.setProps({value: option.value}); }}),
            h("span", {key: "text"}, option.label)
          ]);
        })));
  }

  window.secab_controls = {Select: Select, RadioGroup: RadioGroup};
})();
