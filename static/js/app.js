/* Keeps the session alive while a form is being filled in, so a long mediation record is
   never lost to the 30-minute idle timeout. No inline scripts: the policy allows only files
   (drafts.js keeps what is typed in the street's forms). */
(function () {
  "use strict";
  var url = document.body.getAttribute("data-keepalive-url");
  if (!url) return;
  var PING_EVERY = 4 * 60 * 1000;
  var dirty = false;
  var timer = null;

  function csrfToken() {
    var input = document.querySelector("input[name=csrfmiddlewaretoken]");
    return input ? input.value : "";
  }

  function ping() {
    if (!dirty) return;
    fetch(url, {
      method: "POST",
      credentials: "same-origin",
      headers: { "X-CSRFToken": csrfToken() },
      redirect: "manual",
    }).then(function (response) {
      if (response.status !== 204) warn();
    }).catch(function () { /* offline for a moment: try again at the next tick */ });
  }

  function warn() {
    if (document.querySelector(".session-warning")) return;
    var box = document.createElement("div");
    box.className = "session-warning";
    box.setAttribute("role", "alert");
    box.textContent = document.documentElement.lang === "en"
      ? "Your session has ended. Copy what you typed, sign in again in another tab, then submit."
      : "登录已过期。请先复制已填写的内容，在新标签页重新登录后再提交。";
    document.body.appendChild(box);
  }

  document.addEventListener("input", function (event) {
    // getAttribute, not .method: a form with a field named "method" (the follow-up form has
    // one) shadows the property with that field.
    var form = event.target.form;
    if (!form || (form.getAttribute("method") || "").toLowerCase() !== "post") return;
    if (!dirty) {
      dirty = true;
      timer = window.setInterval(ping, PING_EVERY);
    }
  });
  document.addEventListener("submit", function () {
    dirty = false;
    if (timer) window.clearInterval(timer);
  });
})();
