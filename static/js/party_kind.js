/* The party form's type switch (cases/intake/forms.py PartyForm).

   Without JavaScript the form shows a person's fields and a unit's fields together, each
   labelled, and the server keeps only those of the type chosen. With it, choosing the type
   hides the other type's fields and disables them, so they are not sent; choosing again
   brings them back as they were. Several party forms on one page (the applicant and the
   respondent) each switch their own fields, told apart by their prefix. */
(function () {
  "use strict";

  function prefixOf(name) {
    return name.slice(0, name.length - "kind".length);
  }

  function apply(select) {
    var form = select.form;
    if (!form) return;
    var prefix = prefixOf(select.name);
    var kind = select.value === "natural" ? "natural" : "unit";
    var fields = form.querySelectorAll("[data-party-kind]");
    for (var i = 0; i < fields.length; i++) {
      var input = fields[i];
      if (prefixOf(input.name.replace(/[^-]*$/, "kind")) !== prefix) continue;
      var off = input.getAttribute("data-party-kind") !== kind;
      input.disabled = off;
      var box = input.closest(".field");
      if (box) box.hidden = off;
    }
  }

  var switches = document.querySelectorAll("select[data-party-kind-switch]");
  for (var i = 0; i < switches.length; i++) {
    apply(switches[i]);
    switches[i].addEventListener("change", function (event) {
      apply(event.target);
    });
  }
})();
