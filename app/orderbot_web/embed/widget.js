/* orderbot widget: paste
 *   <script src="https://ORDERBOT/embed/widget.js" data-title="…" data-accent="#1f5f8b"
 *           data-questions="First question?|Second question?" defer></script>
 * It adds a chat button and a chat panel (an iframe of ORDERBOT/embed/chat).
 * Only origins on orderbot's allow-list may frame the panel. Nothing else is loaded, and
 * nothing inline is added to the page: it works under a strict Content-Security-Policy
 * (its styles are a constructed style sheet in a shadow root). */
(function () {
  "use strict";
  var script = document.currentScript;
  if (!script || window.__orderbotWidget) return;
  window.__orderbotWidget = true;
  // The server fills in the site's branding; the snippet's data-* attributes win.
  var defaults = /*orderbot:defaults*/{};
  var COLOUR = /^(#[0-9a-fA-F]{3,8}|[a-zA-Z]{3,20})$/;
  var origin = new URL(script.src, document.baseURI).origin;
  var label = script.getAttribute("data-title") || "Ask about the report";
  var title = script.getAttribute("data-title") || defaults.title || label;
  var accent = script.getAttribute("data-accent") || defaults.accent || "#1f5f8b";
  if (!COLOUR.test(accent)) accent = "#1f5f8b";
  var questions = (script.getAttribute("data-questions") || "")
    .split("|").map(function (q) { return q.trim(); }).filter(Boolean).slice(0, 5);
  var startOpen = script.getAttribute("data-open") === "true";

  var src = new URL("/embed/chat", origin);
  src.searchParams.set("title", title);
  src.searchParams.set("accent", accent);
  questions.forEach(function (q) { src.searchParams.append("q", q); });

  var CSS =
    ":host{--accent:#1f5f8b}" +
    ".button{position:fixed;right:20px;bottom:20px;z-index:2147483000;border:0;" +
    "border-radius:24px;padding:12px 18px;font:600 15px system-ui,sans-serif;color:#fff;" +
    "background:var(--accent);box-shadow:0 2px 10px rgba(0,0,0,.25);cursor:pointer}" +
    ".button:focus-visible{outline:3px solid #111;outline-offset:3px}" +
    ".panel{position:fixed;right:20px;bottom:80px;z-index:2147483000;width:min(400px,92vw);" +
    "height:min(600px,calc(100vh - 110px));border:1px solid #9aa5b5;border-radius:12px;" +
    "overflow:hidden;box-shadow:0 6px 24px rgba(0,0,0,.25);background:#fff}" +
    ".panel[hidden]{display:none}iframe{display:block;width:100%;height:100%;border:0}" +
    "@media (max-width:600px){.panel{inset:0;width:100%;height:100%;border:0;" +
    "border-radius:0}.open .button{display:none}}";

  var host = document.createElement("div");
  host.className = "orderbot-widget";
  host.style.setProperty("--accent", accent);
  var root = host.attachShadow({ mode: "open" });
  var wrap = document.createElement("div");
  var sheet = new CSSStyleSheet();
  sheet.replaceSync(CSS);
  root.adoptedStyleSheets = [sheet];
  var button = document.createElement("button");
  button.className = "button";
  button.type = "button";
  button.textContent = label;
  button.setAttribute("aria-expanded", "false");
  button.setAttribute("aria-controls", "orderbot-panel");
  var panel = document.createElement("div");
  panel.className = "panel";
  panel.id = "orderbot-panel";
  panel.setAttribute("role", "dialog");
  panel.setAttribute("aria-label", title);
  panel.hidden = true;
  var frame = null;
  var ready = false;

  function opened() {
    if (frame && ready) frame.contentWindow.postMessage({ orderbot: "opened" }, origin);
  }
  function setOpen(open) {
    panel.hidden = !open;
    wrap.classList.toggle("open", open);
    button.setAttribute("aria-expanded", String(open));
    button.textContent = open ? "Close chat" : label;
    if (open && !frame) {
      frame = document.createElement("iframe");
      frame.title = title;
      frame.src = src.toString();
      frame.setAttribute("referrerpolicy", "strict-origin");
      frame.addEventListener("load", function () { ready = true; if (!panel.hidden) opened(); });
      panel.appendChild(frame);
    } else if (open) {
      opened();
    }
    if (open && frame) frame.focus();
    if (!open) button.focus();
  }
  button.addEventListener("click", function () { setOpen(panel.hidden); });
  window.addEventListener("message", function (e) {
    if (!frame || e.source !== frame.contentWindow || e.origin !== origin) return;
    if (e.data && e.data.orderbot === "close") setOpen(false);
  });
  document.addEventListener("keydown", function (e) {
    if (e.key === "Escape" && !panel.hidden) setOpen(false);
  });
  wrap.appendChild(panel);
  wrap.appendChild(button);
  root.appendChild(wrap);
  (document.body || document.documentElement).appendChild(host);
  if (startOpen) setOpen(true);
})();
