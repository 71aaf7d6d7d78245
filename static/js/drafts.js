/* Local drafts of the forms filled in out in the street, so what was typed is never lost to a
   failed submit, a lost connection or a Back.

   A form opts in with data-draft="<name>" (the visit request and outcome, the follow-up, the
   advice log, the mediation record). What is typed is kept in this browser's localStorage,
   per person, form and page, a moment after each keystroke. When the form is shown fresh
   and a draft of it is kept, the draft is put back, its submission id included (so sending
   it again after a lost answer gets the first answer, not a second record), with a notice
   and a button to discard it. When the server shows the form back with errors
   (data-draft-bound) it already holds what was typed: the draft just follows it.

   A draft is forgotten when the server says its sending succeeded (the sent_form cookie
   names the submission id), after 24 hours, when another person signs in on this browser,
   and, every draft at once, when anyone signs out here (data-draft-clear on the sign-out
   form): they hold residents' personal data, on phones that are shared.

   Files are not kept (a browser cannot put them back), nor passwords or other hidden fields. */
(function () {
  "use strict";
  var PREFIX = "clinic-draft:";
  var KEPT_FOR = 24 * 60 * 60 * 1000;
  var SAVE_AFTER = 400;
  var FIELD = "submission_id";
  var SENT_COOKIE = "sent_form";

  var store = null;
  try {
    store = window.localStorage;
    store.getItem(PREFIX);
  } catch (error) {
    return; // storage switched off: the forms work as before, without drafts
  }
  var user = document.body.getAttribute("data-draft-user") || "";

  function draftKeys() {
    var found = [];
    for (var i = 0; i < store.length; i++) {
      var key = store.key(i);
      if (key && key.indexOf(PREFIX) === 0) found.push(key);
    }
    return found;
  }

  function read(key) {
    try {
      return JSON.parse(store.getItem(key));
    } catch (error) {
      return null;
    }
  }

  function forgetAll() {
    draftKeys().forEach(function (key) { store.removeItem(key); });
  }

  function sentToken() {
    var match = document.cookie.match(new RegExp("(?:^|;\\s*)" + SENT_COOKIE + "=([^;]*)"));
    return match ? decodeURIComponent(match[1]) : "";
  }

  /* Forget what expired, what belongs to someone else, and what the server took. */
  function tidy() {
    var sent = sentToken();
    var now = Date.now();
    draftKeys().forEach(function (key) {
      var draft = read(key);
      if (!draft || typeof draft.saved !== "number" || now - draft.saved > KEPT_FOR ||
          (user && draft.user !== user) || (sent && draft.token === sent)) {
        store.removeItem(key);
      }
    });
    if (sent) document.cookie = SENT_COOKIE + "=; Max-Age=0; Path=/; SameSite=Lax";
  }

  function controls(form) {
    return Array.prototype.filter.call(form.elements, function (el) {
      var type = (el.type || "").toLowerCase();
      if (!el.name || el.disabled || el.name === "csrfmiddlewaretoken") return false;
      if (["file", "password", "submit", "button", "reset", "image"].indexOf(type) !== -1) {
        return false;
      }
      return type !== "hidden" || el.name === FIELD;
    });
  }

  /* The form's values as [name, value] pairs, in document order. */
  function snapshot(form) {
    var pairs = [];
    controls(form).forEach(function (el) {
      var type = el.type.toLowerCase();
      if (type === "checkbox" || type === "radio") {
        if (el.checked) pairs.push([el.name, el.value]);
      } else if (type === "select-multiple") {
        Array.prototype.forEach.call(el.options, function (option) {
          if (option.selected) pairs.push([el.name, option.value]);
        });
      } else {
        pairs.push([el.name, el.value]);
      }
    });
    return pairs;
  }

  function apply(form, pairs) {
    var values = {};
    pairs.forEach(function (pair) {
      (values[pair[0]] = values[pair[0]] || []).push(pair[1]);
    });
    controls(form).forEach(function (el) {
      var given = values[el.name] || [];
      var type = el.type.toLowerCase();
      if (type === "checkbox" || type === "radio") {
        el.checked = given.indexOf(el.value) !== -1;
      } else if (type === "select-multiple") {
        Array.prototype.forEach.call(el.options, function (option) {
          option.selected = given.indexOf(option.value) !== -1;
        });
      } else if (given.length) {
        el.value = given.shift();
      }
    });
  }

  function typed(pairs) {
    return JSON.stringify(pairs.filter(function (pair) { return pair[0] !== FIELD; }));
  }

  function tokenOf(pairs) {
    for (var i = 0; i < pairs.length; i++) if (pairs[i][0] === FIELD) return pairs[i][1];
    return "";
  }

  function setUp(form) {
    var key = PREFIX + user + ":" + form.getAttribute("data-draft") + ":" + location.pathname;
    var notice = form.querySelector("[data-draft-notice]");
    var shown = snapshot(form);
    var timer = null;

    function save() {
      timer = null;
      var pairs = snapshot(form);
      var draft = { user: user, saved: Date.now(), token: tokenOf(pairs), fields: pairs };
      try {
        store.setItem(key, JSON.stringify(draft));
      } catch (error) { /* storage full: the form still works */ }
    }

    function saveSoon() {
      if (timer) window.clearTimeout(timer);
      timer = window.setTimeout(save, SAVE_AFTER);
    }

    var draft = read(key);
    if (form.hasAttribute("data-draft-bound")) {
      save(); // the form as the server showed it back, under its new submission id
    } else if (draft && draft.fields && typed(draft.fields) !== typed(shown)) {
      apply(form, draft.fields);
      if (notice) notice.hidden = false;
      var first = controls(form)[0];
      // tell app.js a form is being filled in (it keeps the session alive meanwhile)
      if (first) first.dispatchEvent(new Event("input", { bubbles: true }));
    } else if (draft) {
      store.removeItem(key);
    }

    form.addEventListener("input", saveSoon);
    form.addEventListener("change", saveSoon);
    form.addEventListener("submit", function () {
      if (timer) window.clearTimeout(timer);
      save();
    });
    window.addEventListener("pagehide", function () {
      if (timer) {
        window.clearTimeout(timer);
        save();
      }
    });
    var discard = notice && notice.querySelector("[data-draft-discard]");
    if (discard) {
      discard.addEventListener("click", function () {
        if (timer) window.clearTimeout(timer);
        timer = null;
        store.removeItem(key);
        apply(form, shown);
        notice.hidden = true;
      });
    }
  }

  tidy();
  document.addEventListener("submit", function (event) {
    if (event.target.hasAttribute("data-draft-clear")) forgetAll();
  });
  if (!user) return;
  Array.prototype.forEach.call(document.querySelectorAll("form[data-draft]"), setUp);
})();
