/* The compact chat the widget frames: a small client of orderbot's HTTP API.
 * Every text from the visitor or the documents goes into the page as text, never HTML. */
(function () {
  "use strict";
  var params = new URLSearchParams(location.search);
  var accent = params.get("accent") || "";
  if (/^(#[0-9a-fA-F]{3,8}|[a-zA-Z]{3,20})$/.test(accent)) {
    document.documentElement.style.setProperty("--accent", accent);
  }
  var title = (params.get("title") || "orderbot").slice(0, 80);
  document.getElementById("title").textContent = title;
  document.title = title;
  var log = document.getElementById("log");
  var form = document.getElementById("ask");
  var input = document.getElementById("question");
  var send = document.getElementById("send");
  var history = [];

  function el(tag, cls, text) {
    var node = document.createElement(tag);
    if (cls) node.className = cls;
    if (text !== undefined) node.textContent = text;
    return node;
  }

  function showIntro() {
    fetch("/api/health").then(function (r) { return r.json(); }).then(function (h) {
      var docs = (h.documents || []).map(function (d) { return "“" + d + "”"; }).join(", ");
      document.getElementById("intro").textContent =
        "I answer questions about " + docs + " and the sources its footnotes cite, " +
        "with numbered sources you can open.";
    }).catch(function () {});
    var box = document.getElementById("examples");
    var questions = params.getAll("q").slice(0, 5);
    if (!questions.length) {
      questions = ["How many proposals are in the package?",
                   "What are the seven variables of a security order?"];
    }
    questions.forEach(function (q) {
      var b = el("button", "", q.slice(0, 200));
      b.type = "button";
      b.addEventListener("click", function () { ask(q); });
      box.appendChild(b);
    });
  }

  function renderAnswer(box, answer) {
    box.textContent = "";
    if (answer.refused) {
      box.classList.add("refusal");
      box.appendChild(el("strong", "", "Not covered. "));
      box.appendChild(document.createTextNode(answer.answer));
      return;
    }
    var cites = {};
    answer.citations.forEach(function (c) { cites[c.n] = c; });
    var body = el("div", "answer");
    var unsupported = answer.unsupported || [];
    var text = answer.answer;
    // Split the answer into unsupported sentences and the rest, then markers.
    var pieces = [{ text: text, bad: false }];
    unsupported.forEach(function (s) {
      var next = [];
      pieces.forEach(function (p) {
        var i = p.bad ? -1 : p.text.indexOf(s);
        if (i < 0) { next.push(p); return; }
        next.push({ text: p.text.slice(0, i), bad: false }, { text: s, bad: true },
                  { text: p.text.slice(i + s.length), bad: false });
      });
      pieces = next;
    });
    pieces.forEach(function (p) {
      var target = body;
      if (p.bad) {
        target = el("mark", "unsupported");
        target.title = "No cited passage supports this sentence";
        body.appendChild(target);
      }
      p.text.split(/(\[\d+\])/).forEach(function (part) {
        var m = /^\[(\d+)\]$/.exec(part);
        if (m && cites[m[1]]) {
          var c = cites[m[1]];
          var b = el("button", "cite", part);
          b.type = "button";
          b.title = c.section + " — “" + c.quote + "”";
          b.addEventListener("click", function () {
            var d = box.querySelector('details[data-n="' + c.n + '"]');
            if (d) { d.open = true; d.scrollIntoView({ block: "nearest" }); }
          });
          target.appendChild(b);
        } else if (part) {
          target.appendChild(document.createTextNode(part));
        }
      });
    });
    box.appendChild(body);
    if (!answer.citations.length) return;
    var list = el("ol", "sources");
    answer.citations.forEach(function (c) {
      var li = el("li");
      li.value = c.n;
      var d = el("details");
      d.setAttribute("data-n", String(c.n));
      d.appendChild(el("summary", "", c.section));
      d.appendChild(el("blockquote", "passage", "“" + c.quote + "”"));
      d.appendChild(el("div", "document", c.document));
      if (c.url && /^https?:\/\//.test(c.url)) {
        var a = el("a", "", c.url);
        a.href = c.url;
        a.target = "_blank";
        a.rel = "noopener noreferrer";
        d.appendChild(a);
      }
      li.appendChild(d);
      list.appendChild(li);
    });
    box.appendChild(list);
  }

  function rating(box, answer, turns) {
    var row = el("div", "rate");
    var up = el("button", "", "Helpful");
    var down = el("button", "", "Not helpful");
    up.title = "This answer helped"; down.title = "This answer did not help";
    var note = el("input");
    note.placeholder = "Comment (optional)";
    note.maxLength = 2000;
    function rate(value) {
      fetch("/api/feedback", {
        method: "POST", headers: { "Content-Type": "application/json" },
        body: JSON.stringify({ rating: value, comment: note.value, question: answer.question,
          answer: answer.answer, refused: answer.refused, citations: answer.citations,
          history: turns })
      }).then(function (r) {
        row.textContent = r.ok ? "Thank you for the feedback." : "Feedback could not be saved.";
      });
    }
    up.addEventListener("click", function () { rate("up"); });
    down.addEventListener("click", function () { rate("down"); });
    row.append(up, down, note);
    box.appendChild(row);
  }

  function ask(question) {
    question = question.trim();
    if (!question) return;
    document.getElementById("examples").hidden = true;
    log.appendChild(el("div", "msg user", question));
    var box = el("div", "msg bot", "…");
    log.appendChild(box);
    log.scrollTop = log.scrollHeight;
    send.disabled = true;
    var turns = history.slice();
    var written = "";
    fetch("/api/ask/stream", {
      method: "POST", headers: { "Content-Type": "application/json" },
      body: JSON.stringify({ question: question, history: turns })
    }).then(function (response) {
      if (!response.ok) {
        return response.json().then(function (e) { throw new Error(e.detail || "failed"); });
      }
      var reader = response.body.getReader();
      var decoder = new TextDecoder();
      var buffer = "";
      function pump() {
        return reader.read().then(function (step) {
          if (step.done) return;
          buffer += decoder.decode(step.value, { stream: true });
          var events = buffer.split("\n\n");
          buffer = events.pop();
          events.forEach(function (raw) {
            var kind = /^event: (\w+)/m.exec(raw);
            var data = /^data: (.*)$/m.exec(raw);
            if (!kind || !data) return;
            var payload = JSON.parse(data[1]);
            if (kind[1] === "sentence") {
              // Each sentence arrives only after it passed the citation check.
              written += (written ? " " : "") + payload.text;
              box.textContent = written;
            } else if (kind[1] === "answer") {
              box.classList.remove("draft");
              renderAnswer(box, payload);
              rating(box, payload, turns);
              history.push({ role: "user", content: question },
                           { role: "assistant", content: payload.answer });
            } else if (kind[1] === "error") {
              throw new Error(payload.detail);
            }
          });
          log.scrollTop = log.scrollHeight;
          return pump();
        });
      }
      return pump();
    }).catch(function (err) {
      box.className = "msg bot error";
      box.textContent = "Sorry: " + err.message;
    }).finally(function () { send.disabled = false; });
  }

  form.addEventListener("submit", function (e) {
    e.preventDefault();
    var q = input.value;
    input.value = "";
    ask(q);
  });
  input.addEventListener("keydown", function (e) {
    if (e.key === "Enter" && !e.shiftKey) { e.preventDefault(); form.requestSubmit(); }
  });
  document.getElementById("clear").addEventListener("click", function () {
    history = [];
    Array.prototype.slice.call(log.querySelectorAll(".msg")).forEach(function (m) { m.remove(); });
    document.getElementById("examples").hidden = false;
  });
  showIntro();
})();
