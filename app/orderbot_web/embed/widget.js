/* orderbot widget: paste
 *   <script src="https://ORDERBOT/embed/widget.js" data-title="…" data-accent="#1f5f8b"
 *           data-questions="First question?|Second question?" defer></script>
 * It adds a chat button and an inline chat panel (an iframe of ORDERBOT/embed/chat).
 * Only origins on orderbot's allow-list may frame the panel. Nothing else is loaded. */
(function () {
  "use strict";
  var script = document.currentScript;
  if (!script || window.__orderbotWidget) return;
  window.__orderbotWidget = true;
  var origin = new URL(script.src, document.baseURI).origin;
  var title = script.getAttribute("data-title") || "Ask about the report";
  var accent = script.getAttribute("data-accent") || "#1f5f8b";
  if (!/^(#[0-9a-fA-F]{3,8}|[a-zA-Z]{3,20})$/.test(accent)) accent = "#1f5f8b";
  var questions = (script.getAttribute("data-questions") || "")
    .split("|").map(function (q) { return q.trim(); }).filter(Boolean).slice(0, 5);
  var open = script.getAttribute("data-open") === "true";

  var src = new URL("/embed/chat", origin);
  src.searchParams.set("title", title);
  src.searchParams.set("accent", accent);
  questions.forEach(function (q) { src.searchParams.append("q", q); });

  var host = document.createElement("div");
  host.className = "orderbot-widget";
  var root = host.attachShadow ? host.attachShadow({ mode: "open" }) : host;
  var style = document.createElement("style");
  style.textContent =
    ".button{position:fixed;right:20px;bottom:20px;z-index:2147483000;border:0;" +
    "border-radius:24px;padding:12px 18px;font:600 15px system-ui,sans-serif;color:#fff;" +
    "background:" + accent + ";box-shadow:0 2px 10px rgba(0,0,0,.25);cursor:pointer}" +
    ".panel{position:fixed;right:20px;bottom:76px;z-index:2147483000;width:min(380px,92vw);" +
    "height:min(560px,75vh);border:1px solid #ccd;border-radius:12px;overflow:hidden;" +
    "box-shadow:0 6px 24px rgba(0,0,0,.25);background:#fff}" +
    ".panel[hidden]{display:none}iframe{width:100%;height:100%;border:0}";
  var button = document.createElement("button");
  button.className = "button";
  button.type = "button";
  button.textContent = title;
  button.setAttribute("aria-expanded", "false");
  button.setAttribute("aria-controls", "orderbot-panel");
  var panel = document.createElement("div");
  panel.className = "panel";
  panel.id = "orderbot-panel";
  panel.hidden = true;
  var frame = null;

  function toggle() {
    panel.hidden = !panel.hidden;
    button.setAttribute("aria-expanded", String(!panel.hidden));
    if (!panel.hidden && !frame) {
      frame = document.createElement("iframe");
      frame.title = title;
      frame.src = src.toString();
      frame.setAttribute("referrerpolicy", "strict-origin");
      panel.appendChild(frame);
    }
  }
  button.addEventListener("click", toggle);
  root.appendChild(style);
  root.appendChild(panel);
  root.appendChild(button);
  (document.body || document.documentElement).appendChild(host);
  if (open) toggle();
})();
