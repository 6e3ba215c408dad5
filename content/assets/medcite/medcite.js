/*
 * Citation previews for touch screens (our own code, no dependencies; works from file:// too).
 *
 * A tap on a citation number opens the reference(s) it stands for in a drawer at the bottom of the
 * screen, copied from this page's own References list (one entry per line, with its links and its
 * evidence label). The reader stays where they were: the page does not scroll and the address does
 * not change. The drawer is a modal <dialog>: the Escape key, its Close button or a tap outside it
 * close it, and focus goes back to the number.
 *
 * A mouse click or the keyboard keep the link's own behaviour (a jump to the References list), and
 * without this script every number is still a plain link to its entry, so the list stays the
 * fallback and the printed form.
 */
(function () {
  "use strict";

  var LINK = "sup.medcite-citation a.medcite-ref";
  var lastPointer = "";
  var drawer = null;
  var opener = null;

  if (typeof HTMLDialogElement !== "function") {
    return; // an old browser: the numbers stay links to the list
  }

  /* The list entries a number stands for, read from the markup the medcite extension wrote:
   * aria-describedby names them ("ref-1 ref-2 ref-3"). Material's tooltip puts its own id there
   * while it is shown, so the names are kept from the first time each link is seen. */
  function entriesOf(link) {
    if (!link.hasAttribute("data-medcite-entries")) {
      link.setAttribute("data-medcite-entries", link.getAttribute("aria-describedby") || "");
    }
    var found = [];
    link.getAttribute("data-medcite-entries").split(/\s+/).forEach(function (id) {
      var item = id && document.getElementById(id);
      if (item && item.matches("li.medcite-reference")) {
        found.push(item);
      }
    });
    return found;
  }

  function remember(event) {
    lastPointer = event.pointerType || "";
  }

  function byTouch(event) {
    // A click made by the keyboard has detail 0 and no pointer type: it keeps the link's behaviour.
    var kind = event.pointerType || (event.detail ? lastPointer : "");
    return kind === "touch" || kind === "pen";
  }

  function build() {
    var dialog = document.createElement("dialog");
    dialog.className = "medcite-drawer md-typeset";
    dialog.setAttribute("aria-labelledby", "medcite-drawer-title");
    var head = document.createElement("div");
    head.className = "medcite-drawer__head";
    var title = document.createElement("h2");
    title.className = "medcite-drawer__title";
    title.id = "medcite-drawer-title";
    var close = document.createElement("button");
    close.type = "button";
    close.className = "medcite-drawer__close";
    close.textContent = "Close";
    close.addEventListener("click", function () {
      dialog.close();
    });
    head.appendChild(title);
    head.appendChild(close);
    var list = document.createElement("ol");
    list.className = "medcite-drawer__list";
    var more = document.createElement("p");
    more.className = "medcite-drawer__more";
    var jump = document.createElement("a");
    jump.textContent = "See it in the list of references";
    jump.addEventListener("click", function () {
      opener = null; // the reader asked to go to the list: focus follows the link, not the number
      dialog.close();
    });
    more.appendChild(jump);
    dialog.appendChild(head);
    dialog.appendChild(list);
    dialog.appendChild(more);
    // A tap on the backdrop is a click on the dialog element itself, outside its box.
    dialog.addEventListener("click", function (event) {
      if (event.target !== dialog) {
        return;
      }
      var box = dialog.getBoundingClientRect();
      var inside = event.clientX >= box.left && event.clientX <= box.right &&
        event.clientY >= box.top && event.clientY <= box.bottom;
      if (!inside) {
        dialog.close();
      }
    });
    dialog.addEventListener("close", function () {
      var back = opener;
      opener = null;
      if (back && document.contains(back)) {
        back.focus({ preventScroll: true });
      }
    });
    document.body.appendChild(dialog);
    return dialog;
  }

  /* One entry of the drawer: the reference text and its evidence label, copied from the list
   * (ids dropped, so each id stays unique on the page). */
  function entry(item) {
    var line = document.createElement("li");
    var number = parseInt(item.id.replace(/^ref-/, ""), 10);
    if (number > 0) {
      line.value = number;
    }
    item.querySelectorAll(".medcite-reference-text, .medcite-evidence").forEach(function (part) {
      var copy = part.cloneNode(true);
      copy.removeAttribute("id");
      copy.querySelectorAll("[id]").forEach(function (inner) {
        inner.removeAttribute("id");
      });
      if (line.childNodes.length) {
        line.appendChild(document.createTextNode(" "));
      }
      line.appendChild(copy);
    });
    return line;
  }

  function open(link, items) {
    if (!drawer || !document.contains(drawer)) {
      drawer = build();
    }
    drawer.querySelector(".medcite-drawer__title").textContent =
      link.getAttribute("aria-label") || (items.length > 1 ? "References" : "Reference");
    var list = drawer.querySelector(".medcite-drawer__list");
    list.textContent = "";
    items.forEach(function (item) {
      list.appendChild(entry(item));
    });
    drawer.querySelector(".medcite-drawer__more a").setAttribute("href", "#" + items[0].id);
    opener = link;
    drawer.showModal();
    drawer.scrollTop = 0;
    drawer.querySelector(".medcite-drawer__close").focus({ preventScroll: true });
  }

  document.addEventListener("pointerdown", remember, true);
  document.addEventListener("click", function (event) {
    var link = event.target.closest ? event.target.closest(LINK) : null;
    if (!link || event.defaultPrevented || event.button !== 0 ||
        event.ctrlKey || event.metaKey || event.shiftKey || event.altKey || !byTouch(event)) {
      return;
    }
    var items = entriesOf(link);
    if (!items.length) {
      return; // nothing to show: follow the link
    }
    event.preventDefault();
    open(link, items);
  });
  // Keep each link's entries from before any tooltip changes its aria-describedby. Where the main
  // pointer cannot hover (a phone), the drawer is the preview: the theme's tooltip, made from the
  // title, would only pop up over the text when focus comes back to a number.
  var noHover = window.matchMedia && window.matchMedia("(hover: none)").matches;
  document.querySelectorAll(LINK).forEach(function (link) {
    entriesOf(link);
    if (noHover) {
      link.removeAttribute("title");
    }
  });
})();
