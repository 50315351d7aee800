/* castcorpus render: selecting claims and stances (panel <-> text). No dependencies, works from file://. */
(function () {
  "use strict";
  var text = document.getElementById("text");
  var status = document.getElementById("status");
  if (!text) { return; }
  var entries = Array.prototype.slice.call(document.querySelectorAll(".entry"));

  function byId(kind, id) {
    return document.getElementById("entry-" + kind + "-" + id);
  }

  function marks(selector) {
    return Array.prototype.slice.call(text.querySelectorAll(selector));
  }

  function clear() {
    marks(".active, .related").forEach(function (el) { el.classList.remove("active", "related"); });
    entries.forEach(function (e) { e.setAttribute("aria-selected", "false"); });
  }

  /* Roving tabindex: the selected (or focused) entry is the one Tab lands on in its list. */
  function makeCurrent(entry) {
    Array.prototype.forEach.call(entry.parentNode.children, function (e) { e.tabIndex = -1; });
    entry.tabIndex = 0;
  }

  function select(entry, opts) {
    opts = opts || {};
    clear();
    var id = entry.dataset.id, active, related, what;
    if (entry.dataset.target === "claim") {
      active = marks('[data-kind="claim"][data-id="' + id + '"]');
      related = marks('[data-kind="cue"][data-claims~="' + id + '"]');
      what = "Claim " + id;
    } else {
      active = marks('[data-kind="evidence"][data-stances~="' + id + '"]');
      related = entry.dataset.claim ? marks('[data-kind="claim"][data-id="' + entry.dataset.claim + '"]') : [];
      what = "Stance " + id;
    }
    active.forEach(function (el) { el.classList.add("active"); });
    related.forEach(function (el) { el.classList.add("related"); });
    entry.setAttribute("aria-selected", "true");
    makeCurrent(entry);
    if (opts.focus) { entry.focus({preventScroll: !opts.scrollPanel}); }
    if (opts.scrollPanel) { entry.scrollIntoView({block: "nearest"}); }
    if (opts.scrollText && active.length) { active[0].scrollIntoView({block: "nearest"}); }
    var quoted = active.map(function (el) { return el.textContent; }).join("");
    status.textContent = what + " selected: " + (quoted ? "\u201c" + quoted + "\u201d" : "no span") + ".";
    try { history.replaceState(null, "", "#" + entry.id); } catch (err) { /* file:// may refuse */ }
  }

  function move(entry, step) {
    var list = Array.prototype.slice.call(entry.parentNode.children);
    var next = step === "first" ? list[0] : step === "last" ? list[list.length - 1]
      : list[Math.min(list.length - 1, Math.max(0, list.indexOf(entry) + step))];
    makeCurrent(next);
    next.focus();
  }

  entries.forEach(function (entry) {
    entry.addEventListener("click", function () { select(entry, {scrollText: true}); });
    entry.addEventListener("keydown", function (ev) {
      var keys = {ArrowDown: 1, ArrowRight: 1, ArrowUp: -1, ArrowLeft: -1, Home: "first", End: "last"};
      if (ev.key in keys) { move(entry, keys[ev.key]); ev.preventDefault(); }
      else if (ev.key === "Enter" || ev.key === " ") { select(entry, {scrollText: true}); ev.preventDefault(); }
      else if (ev.key === "Escape") { clear(); status.textContent = "Selection cleared."; }
    });
  });

  /* A click in the text selects the innermost claim, stance evidence or cue under the pointer;
     clicking shared evidence again moves on to the next stance it belongs to. */
  text.addEventListener("click", function (ev) {
    var el = ev.target.closest('[data-kind="claim"], [data-kind="evidence"], [data-kind="cue"]');
    if (!el) { return; }
    var entry;
    if (el.dataset.kind === "claim") {
      entry = byId("claim", el.dataset.id);
    } else {
      var kind = el.dataset.kind === "cue" ? "claim" : "stance";
      var owners = (el.dataset.kind === "cue" ? el.dataset.claims : el.dataset.stances).split(" ");
      var current = document.querySelector('.entry[aria-selected="true"]');
      var at = current && current.dataset.target === kind ? owners.indexOf(current.dataset.id) : -1;
      entry = byId(kind, owners[(at + 1) % owners.length]);
    }
    if (entry) { select(entry, {focus: true, scrollPanel: true}); }
  });

  var start = location.hash && document.getElementById(location.hash.slice(1));
  if (start && start.classList.contains("entry")) { select(start, {scrollText: true}); }
}());
