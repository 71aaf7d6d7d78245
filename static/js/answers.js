/* The common-answer picker of the advice form (templates/cases/intake/log_advice.html).

   Without JavaScript each common answer is a link (?answer=<id>) that shows the form again
   with the answer box filled, and the subject filter is a small GET form. With it, a tap
   fills the answer box at once (still editable), notes which answer was used (the hidden
   common_answer field, counted when the advice is saved) and takes the answer's subject;
   the subject filter hides the other answers as soon as it changes. */
(function () {
  "use strict";
  var picker = document.getElementById("common-answers");
  if (!picker) return;
  var form = document.getElementById("common-answer-id");
  form = form ? form.form : null;
  if (!form) return;
  var box = form.querySelector("textarea[name=answer]");
  var used = form.querySelector("input[name=common_answer]");
  var subject = form.querySelector("select[name=dispute_type]");
  var filter = document.getElementById("picker-type");
  var note = document.getElementById("picked-note");

  function changed(field) {
    field.dispatchEvent(new Event("input", { bubbles: true })); // the local draft follows
    field.dispatchEvent(new Event("change", { bubbles: true }));
  }

  picker.addEventListener("click", function (event) {
    var link = event.target.closest ? event.target.closest("a.pick") : null;
    if (!link || !box) return;
    event.preventDefault();
    box.value = link.getAttribute("data-answer");
    changed(box);
    used.value = link.getAttribute("data-answer-id");
    var type = link.getAttribute("data-answer-type");
    if (subject && type) {
      subject.value = type;
      changed(subject);
    }
    picker.open = false;
    if (note) {
      note.textContent = note.getAttribute("data-text").replace("%s", link.textContent.trim());
      note.hidden = false;
    }
  });

  if (filter) {
    var button = filter.form.querySelector("button");
    if (button) button.remove(); // the list follows the choice at once
    filter.addEventListener("change", function () {
      var items = picker.querySelectorAll("li[data-type]");
      for (var i = 0; i < items.length; i++) {
        var type = items[i].getAttribute("data-type");
        items[i].hidden = Boolean(filter.value) && type !== "" && type !== filter.value;
      }
    });
  }
})();
