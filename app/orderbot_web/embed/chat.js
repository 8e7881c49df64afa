/* orderbot's chat: the chat page (/chat/) and the compact chat the widget frames
 * (/embed/chat). A small client of the HTTP API.
 * - Only checked text is ever shown: a streamed answer arrives as sentences that already
 *   passed the citation check, shown as plain text, then the final answer replaces them.
 * - Every text from the visitor or the documents goes into the page as text, never HTML.
 * - No inline script or style: the page runs under a strict Content-Security-Policy. */
(function () {
  "use strict";
  var body = document.body;
  var mode = body.getAttribute("data-mode") === "widget" ? "widget" : "page";
  var params = new URLSearchParams(location.search);
  var COLOUR = /^(#[0-9a-fA-F]{3,8}|[a-zA-Z]{3,20})$/;
  var MAX_TURNS = 20; // the API takes at most 40 earlier messages
  var STORE_KEY = "orderbot.conversation." + mode;

  var log = document.getElementById("log");
  var messages = document.getElementById("messages");
  var welcome = document.getElementById("welcome");
  var form = document.getElementById("ask");
  var input = document.getElementById("question");
  var send = document.getElementById("send");
  var stop = document.getElementById("stop");
  var status = document.getElementById("status");
  var hint = document.getElementById("hint");
  var HINT = hint.textContent;
  var turns = [];        // {id, question, answer?, partial?, stopped?, error?, feedback?}
  var running = null;    // {turn, controller} while an answer streams
  var serial = 0;

  // ---- branding -------------------------------------------------------------------
  var accent = params.get("accent") || body.getAttribute("data-accent") || "";
  if (COLOUR.test(accent)) document.documentElement.style.setProperty("--accent", accent);
  if (mode === "widget" && params.get("title")) {
    var title = params.get("title").slice(0, 80);
    document.getElementById("title").textContent = title;
    document.title = title;
  }
  var asked = params.getAll("q").slice(0, 5);
  if (asked.length) {
    var box = document.getElementById("examples");
    box.textContent = "";
    asked.forEach(function (q) {
      var b = el("button", "example", q.slice(0, 200));
      b.type = "button";
      box.appendChild(b);
    });
  }

  // ---- helpers --------------------------------------------------------------------
  function el(tag, cls, text) {
    var node = document.createElement(tag);
    if (cls) node.className = cls;
    if (text !== undefined && text !== null) node.textContent = text;
    return node;
  }
  // A link to a page; shown as its address without the fragment that opens the page at
  // the quoted words (#:~:text=…).
  function hostOf(url) {
    try { return new URL(url).hostname.replace(/^www\./, ""); } catch (e) { return url; }
  }
  function webLink(url, text) {
    if (!url || !/^https?:\/\//i.test(url)) return null;
    var a = el("a", "", text || url.split("#")[0]);
    a.href = url;
    a.target = "_blank";
    a.rel = "noopener noreferrer";
    return a;
  }
  // Said where the visitor looks (under the box) as well as to a screen reader; the
  // hint comes back once the visitor types.
  var WAIT = "Wait for the answer, or stop it, before asking again.";
  var STOPPED = "stopped by the visitor"; // the abort's reason when Stop was pressed
  function notice(text) {
    hint.textContent = text;
    hint.classList.add("notice");
    announce(text);
  }
  function clearNotice() {
    if (!hint.classList.contains("notice")) return;
    hint.textContent = HINT;
    hint.classList.remove("notice");
  }
  function announce(text) {
    status.textContent = "";
    window.setTimeout(function () { status.textContent = text; }, 50);
  }

  // The work a citation points to: a footnote's quote holds the cited work's reference
  // (its title in quotation marks); a passage of the report is the report itself.
  function work(c) {
    if (/^footnote\b/i.test(c.section || "")) {
      var titles = (c.work || c.quote || "").match(/“([^”]{6,300}?)[,.]?”/g) || [];
      // The reference follows the quoted sentence: its title is the last quoted phrase.
      var last = titles.length ? titles[titles.length - 1] : "";
      var title = last.replace(/^“/, "").replace(/[,.]?”$/, "");
      if (title) return title;
      if (c.url) {
        try { return new URL(c.url).hostname.replace(/^www\./, ""); } catch (e) { /* text */ }
      }
    }
    return c.document;
  }
  function where(c) {
    var parts = [];
    if (work(c) !== c.document) parts.push("cited in " + c.document);
    if (c.section) parts.push(c.section);
    if (c.page) parts.push("p. " + c.page);
    return parts.join(", ");
  }

  // ---- storage: the conversation survives a reload, in this browser tab only ---------
  function kept() {
    return turns.filter(function (t) { return t.answer || t.stopped || t.error; })
      .slice(-MAX_TURNS);
  }
  function save() {
    try {
      sessionStorage.setItem(STORE_KEY, JSON.stringify(kept()));
    } catch (e) { /* storage full or blocked: the conversation still works */ }
  }
  function restore() {
    var saved = [];
    try { saved = JSON.parse(sessionStorage.getItem(STORE_KEY) || "[]"); } catch (e) { saved = []; }
    showTurns(saved);
  }
  function showTurns(saved) {
    if (!Array.isArray(saved)) return;
    saved.forEach(function (t) {
      if (!t || typeof t.question !== "string") return;
      var turn = addTurn(t.question);
      turn.feedback = t.feedback || null;
      if (t.answer) finish(turn, t.answer, true);
      else if (t.stopped) stopped(turn, t.partial || "");
      else failed(turn, t.error || "The answer failed.");
    });
    if (turns.length) scrollToTurn(turns[turns.length - 1]);
  }
  function historyBefore(turn) {
    var i = turns.indexOf(turn);
    return historyOf(i < 0 ? turns : turns.slice(0, i));
  }
  function history() { return historyOf(turns); }
  function historyOf(list) {
    var out = [];
    list.forEach(function (t) {
      if (t.answer) {
        out.push({ role: "user", content: t.question },
                 { role: "assistant", content: t.answer.answer });
      }
    });
    return out.slice(-2 * MAX_TURNS);
  }

  // ---- the conversation -------------------------------------------------------------
  function addTurn(question) {
    serial += 1;
    var turn = { id: "t" + Date.now().toString(36) + serial, question: question };
    var node = el("article", "turn");
    node.id = turn.id;
    var user = el("div", "msg user");
    user.appendChild(el("span", "visually-hidden", "You asked: "));
    user.appendChild(document.createTextNode(question));
    var bot = el("div", "msg bot");
    bot.appendChild(el("span", "visually-hidden", "orderbot: "));
    var text = el("div", "body");
    // Finding the passages takes milliseconds; the wait is the writing and the check, so
    // the label names both (no sentence shows before it passed the check).
    var state = el("p", "state", "Finding the answer and checking it against the documents…");
    bot.append(text, state);
    node.append(user, bot);
    messages.appendChild(node);
    welcome.hidden = true;
    turn.node = node; turn.bot = bot; turn.text = text; turn.state = state;
    turns.push(turn);
    return turn;
  }

  // The newest answer is read from its start: its question goes to the top of the view.
  function scrollToTurn(turn) {
    if (!turn || !turn.node) return;
    // Room below the newest turn, so that its start can reach the top of the view.
    turns.forEach(function (t) { if (t.node) t.node.style.removeProperty("min-height"); });
    turn.node.style.setProperty("min-height", Math.max(0, log.clientHeight - 24) + "px");
    var from = turn.node.getBoundingClientRect().top - log.getBoundingClientRect().top;
    log.scrollTop = Math.max(0, log.scrollTop + from - 8);
  }

  function setRunning(value) {
    running = value;
    var busy = Boolean(value);
    var hadFocus = document.activeElement;
    send.hidden = busy;
    stop.hidden = !busy;
    form.classList.toggle("busy", busy);
    if (busy && hadFocus === send) stop.focus();
    // Back to the box for the next question, except on a touch screen: there the
    // keyboard would open over the answer the reader is about to read.
    if (!busy && (hadFocus === stop || hadFocus === body) && !touchFirst()) input.focus();
  }

  function touchFirst() {
    return Boolean(window.matchMedia && window.matchMedia("(hover: none) and (pointer: coarse)").matches);
  }

  // Longer questions are not sent, and not cut either: a pasted text keeps its question,
  // often at its end, until the visitor shortens it.
  var MAX_CHARS = parseInt(input.getAttribute("data-max-chars"), 10) || 0;
  function tooLong(text) { return MAX_CHARS > 0 && text.trim().length > MAX_CHARS; }
  function tooLongNotice(text) {
    return "Your question is " + text.trim().length.toLocaleString("en") +
      " characters long; questions are limited to " + MAX_CHARS.toLocaleString("en") +
      ". Shorten it to send it.";
  }

  function ask(question) {
    question = (question || "").trim();
    if (!question) {
      notice("Type a question first.");
      input.focus();
      return false;
    }
    if (tooLong(question)) {
      notice(tooLongNotice(question));
      input.focus();
      return false;
    }
    if (running) {
      // One question at a time: the typed text stays where it is.
      notice(WAIT);
      return false;
    }
    clearNotice();
    dropUndo(); // a new conversation: the cleared one is gone
    var previous = history();
    var turn = addTurn(question);
    var controller = new AbortController();
    setRunning({ turn: turn, controller: controller });
    scrollToTurn(turn);
    announce("Looking for the answer…");
    var written = [];
    fetch("/api/ask/stream", {
      method: "POST",
      headers: { "Content-Type": "application/json" },
      body: JSON.stringify({ question: question, history: previous }),
      signal: controller.signal
    }).then(function (response) {
      if (!response.ok) {
        return response.json().catch(function () { return {}; }).then(function (e) {
          throw new Error(e.detail || "the server answered " + response.status);
        });
      }
      var reader = response.body.getReader();
      var decoder = new TextDecoder();
      var buffer = "";
      var done = false;
      function pump() {
        return reader.read().then(function (step) {
          if (step.done) {
            if (!done) throw new Error("the answer was cut off; please ask again");
            return;
          }
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
              written.push(payload.text);
              turn.text.textContent = written.join(" ");
              turn.state.textContent = "Writing…";
            } else if (kind[1] === "answer") {
              done = true;
              finish(turn, payload, false);
            } else if (kind[1] === "error") {
              done = true;
              throw new Error(payload.detail || "the answer failed");
            }
          });
          if (done) return reader.cancel();
          return pump();
        });
      }
      return pump();
    }).catch(function (err) {
      if (controller.signal.aborted) {
        stopped(turn, written.join(" "));
        // Stopped to reword it: the question is back in the box, unless a new one is there.
        if (controller.signal.reason === STOPPED && !input.value.trim()) input.value = question;
      } else failed(turn, "Sorry, no answer: " + err.message);
    }).then(function () {
      setRunning(null);
      if (hint.textContent === WAIT) clearNotice(); // it is no longer true
      save();
    });
    return true;
  }

  function stopped(turn, partial) {
    turn.stopped = true;
    turn.partial = partial;
    turn.text.textContent = partial;
    turn.state.textContent = partial
      ? "Stopped. The answer above is incomplete (its sentences were checked)."
      : "Stopped.";
    turn.bot.classList.add("stopped");
    announce("Stopped.");
  }

  function failed(turn, message) {
    turn.error = message;
    turn.text.textContent = "";
    turn.state.textContent = message;
    turn.state.setAttribute("role", "alert");
    turn.bot.classList.add("error");
  }

  function finish(turn, answer, restoring) {
    turn.answer = answer;
    turn.state.remove();
    // A follow-up read as another question ("What about the second one?" as "What about
    // Use of Force?") says so, so the visitor can tell what was answered; one read with
    // the previous question in front ("Why?" after "What is the RBIO?") names that
    // question: a visitor could not tell why "what do they say about china" was answered
    // about the one before.
    var read = (answer.rewritten_question || "").trim();
    var asked = turn.question.trim();
    // Read only with an apostrophe or a capital more ("whats" as "what's", "rbio" as
    // "RBIO"): nothing the visitor needs to be told.
    var same = function (a, b) {
      var plain = function (t) { return t.toLowerCase().replace(/['’]/g, ""); };
      return plain(a) === plain(b);
    };
    if (read && !same(read, asked)) {
      var merged = read.slice(-asked.length) === asked;
      var shown = merged ? read.slice(0, read.length - asked.length).trim() : read;
      // One that quotes an item already ("What about “the world faces…”?") is not
      // quoted again: quotation marks inside quotation marks read badly.
      var quoted = /[“”]/.test(shown) ? shown : "“" + shown + "”";
      var label = merged ? "Read with the question before it: " : "Read as: ";
      turn.bot.insertBefore(el("p", "understood", label + quoted), turn.text);
    }
    // The checked sentences give way to the whole answer in the same place.
    turn.text.textContent = "";
    if (answer.refused) {
      turn.bot.classList.add("refusal");
      renderRefusal(turn.text, answer);
    } else {
      renderAnswer(turn.text, answer, turn.id);
    }
    if (!answer.refused && answer.citations.length) {
      turn.bot.appendChild(renderSources(answer, turn.id));
    }
    // A reply to "hi" or "thanks" answers nothing the visitor could rate.
    var smallTalk = answer.refusal && answer.refusal.reason === "not_a_question";
    if (!smallTalk) turn.bot.appendChild(rating(turn));
    // Read aloud without the citation markers ("… global stage. [1][2]").
    var spoken = answer.answer.replace(/\s*\[\d+\]/g, "");
    if (!restoring) announce(answer.refused ? refusalText(answer) : "Answer: " + spoken);
  }

  // A refusal's label and message: "Not covered." only when the documents do not answer
  // (not for a question in another language, or an instruction). The message leaves out
  // the nearest sections' titles, listed below it as links.
  function refusalParts(answer) {
    var refusal = answer.refusal;
    if (!refusal) return { label: "Not covered. ", message: answer.answer };
    return {
      label: refusal.reason === "not_covered" ? "Not covered. " : "",
      message: refusal.message,
    };
  }

  function refusalText(answer) {
    var parts = refusalParts(answer);
    var nearest = (answer.coverage && answer.coverage.nearest) || [];
    var titles = nearest.map(function (n) { return n.section; }).join("; ");
    return parts.label + parts.message + (titles ? " Nearest in the documents: " + titles : "");
  }

  function renderRefusal(box, answer) {
    var parts = refusalParts(answer);
    var p = el("p", "answer");
    if (parts.label) p.appendChild(el("strong", "", parts.label));
    p.appendChild(document.createTextNode(parts.message));
    box.appendChild(p);
    var coverage = answer.coverage;
    if (!coverage) return;
    var nearest = coverage.nearest || [];
    if (!nearest.length) return;
    box.appendChild(el("p", "nearest-title", "Nearest in the documents:"));
    var list = el("ul", "nearest");
    nearest.forEach(function (n) {
      var li = el("li");
      var label = n.section + " (" + n.document + ")";
      var link = webLink(n.url, label);
      if (!link) {
        // No address: ask about the section instead.
        link = el("a", "", label);
        link.href = "#";
        link.addEventListener("click", function (e) {
          e.preventDefault();
          ask("What does the section “" + n.section + "” say?");
        });
      }
      li.appendChild(link);
      list.appendChild(li);
    });
    box.appendChild(list);
  }

  // A passage in quotation marks; the quotes inside it become single ones, as in print
  // (not “““National Security Strategy,” …”); Citation.quoted does the same in Python.
  function quoted(text) {
    return "“" + text.replace(/“/g, "‘").replace(/”/g, "’") + "”";
  }

  // A list passage (headings and items joined with colons and semicolons) is shown as it
  // is: in quotation marks it would read as one sentence of the document.
  function shown(c) {
    return c.listed ? c.quote : quoted(c.quote);
  }

  function renderAnswer(box, answer, turnId) {
    // The answer holds only sentences that passed the citation check; the ones that
    // failed are not even sent (the API leaves out `unsupported`).
    var cites = {};
    answer.citations.forEach(function (c) { cites[c.n] = c; });
    var p = el("p", "answer");
    answer.answer.split(/(\[\d+\])/).forEach(function (part) {
      var m = /^\[(\d+)\]$/.exec(part);
      if (m && cites[m[1]]) p.appendChild(marker(cites[m[1]], turnId));
      else if (part) withLinks(p, part);
    });
    box.appendChild(p);
  }

  // Text whose web addresses ("It is online at https://…", the address a cited footnote
  // gives) are links that open in a new tab; the rest stays text.
  function withLinks(box, text) {
    text.split(/(https?:\/\/[^\s<>"“”]+[^\s<>"“”.,;:!?)])/).forEach(function (part, i) {
      var link = i % 2 ? webLink(part, part) : null;
      box.appendChild(link || document.createTextNode(part));
    });
  }

  // ---- citation markers: a link with a preview on hover, focus and tap ----------------
  var openPopover = null;

  function marker(c, turnId) {
    var wrap = el("span", "cite-wrap");
    var a = el("a", "cite", "[" + c.n + "]");
    var popId = turnId + "-pop-" + c.n + "-" + (++serial);
    a.href = "#" + turnId + "-src-" + c.n;
    a.setAttribute("aria-describedby", popId);
    a.setAttribute("aria-expanded", "false");
    a.setAttribute("aria-controls", popId);
    var pop = el("span", "popover");
    pop.id = popId;
    pop.hidden = true;
    pop.appendChild(el("span", "pop-work", work(c)));
    pop.appendChild(el("span", "pop-where", where(c)));
    pop.appendChild(el("span", "pop-quote", shown(c)));
    var links = el("span", "pop-links");
    var go = el("a", "", "Show source [" + c.n + "]");
    go.href = a.href;
    go.addEventListener("click", function (e) {
      e.preventDefault();
      hide(pop, a);
      showSource(turnId, c.n);
    });
    links.appendChild(go);
    var out = webLink(c.url, c.work ? "Open the cited work" : "Open at this passage");
    if (out) links.appendChild(out);
    pop.appendChild(links);
    wrap.append(a, pop);

    var timer = 0;
    function later() { timer = window.setTimeout(function () { hide(pop, a); }, 250); }
    function keep() { window.clearTimeout(timer); }
    a.addEventListener("mouseenter", function () { keep(); show(pop, a); });
    a.addEventListener("mouseleave", later);
    pop.addEventListener("mouseenter", keep);
    pop.addEventListener("mouseleave", later);
    // A preview can cover the next marker: the pointer moving on to it (not to a link of
    // this preview) hands over to that marker's preview. A visitor could not reach [3]
    // from [2], whose preview lay over it.
    pop.addEventListener("mousemove", function (e) {
      if (e.target.closest(".pop-links")) return;
      var under = document.elementsFromPoint(e.clientX, e.clientY);
      for (var i = 0; i < under.length; i++) {
        if (under[i] !== a && under[i].classList.contains("cite")) {
          hide(pop, a);
          under[i].dispatchEvent(new MouseEvent("mouseenter"));
          return;
        }
      }
    });
    a.addEventListener("focus", function () { keep(); show(pop, a); });
    wrap.addEventListener("focusout", function (e) {
      if (!wrap.contains(e.relatedTarget)) later();
    });
    a.addEventListener("click", function (e) {
      // A tap or Enter shows the preview (Escape or a tap elsewhere hides it); its
      // "Show source" link goes to the source in the list.
      e.preventDefault();
      keep();
      show(pop, a);
    });
    return wrap;
  }

  function show(pop, a) {
    if (openPopover && openPopover.pop !== pop) hide(openPopover.pop, openPopover.a);
    pop.hidden = false;
    a.setAttribute("aria-expanded", "true");
    openPopover = { pop: pop, a: a };
    // Keep the preview inside the message box.
    var box = a.closest(".msg");
    var width = Math.min(340, box.clientWidth - 16);
    var at = a.getBoundingClientRect();
    var frame = box.getBoundingClientRect();
    var left = Math.max(8, Math.min(at.left - frame.left, box.clientWidth - width - 8));
    pop.style.setProperty("width", width + "px");
    pop.style.setProperty("left", left + "px");
    pop.style.setProperty("top", (at.bottom - frame.top + 2) + "px");
    // Above the marker when there is no room below it in the visible part of the log.
    var view = log.getBoundingClientRect();
    var height = pop.offsetHeight;
    if (at.bottom + height > view.bottom && at.top - height - 4 > view.top) {
      pop.style.setProperty("top", (at.top - frame.top - height - 2) + "px");
    }
  }
  function hide(pop, a) {
    pop.hidden = true;
    a.setAttribute("aria-expanded", "false");
    if (openPopover && openPopover.pop === pop) openPopover = null;
  }

  function showSource(turnId, n) {
    var item = document.getElementById(turnId + "-src-" + n);
    if (!item) return;
    var details = item.querySelector("details");
    details.open = true;
    item.scrollIntoView({ block: "nearest" });
    details.querySelector("summary").focus();
  }

  function renderSources(answer, turnId) {
    var section = el("div", "sources");
    var heading = el("p", "sources-title", "Sources");
    heading.id = turnId + "-sources";
    var list = el("ul", "sources-list");
    list.setAttribute("aria-labelledby", heading.id);
    answer.citations.forEach(function (c) {
      var li = el("li", "source");
      li.id = turnId + "-src-" + c.n;
      var d = el("details");
      var s = el("summary");
      s.appendChild(el("span", "n", "[" + c.n + "]"));
      s.appendChild(document.createTextNode(" "));
      s.appendChild(el("cite", "", work(c)));
      var at = where(c);
      if (at) s.appendChild(el("span", "where", " — " + at));
      d.appendChild(s);
      d.appendChild(el("blockquote", "passage", shown(c)));
      var link = webLink(c.url, c.work ? null : "Open at this passage (" + hostOf(c.url) + ")");
      if (link) d.appendChild(link);
      li.appendChild(d);
      list.appendChild(li);
    });
    section.append(heading, list);
    return section;
  }

  // ---- feedback: rate first, then an optional comment; a rating can be changed -------
  // A JSON POST whose promise fails on an error status as on a network error.
  function postJson(url, body) {
    return fetch(url, {
      method: "POST", headers: { "Content-Type": "application/json" }, body: JSON.stringify(body)
    }).then(function (r) {
      if (!r.ok) throw new Error(String(r.status));
      return r;
    });
  }

  var RATED = { up: "Yes, this answer helped", down: "No, this answer did not help" };
  // The rating given, as the visitor chose it: “Yes” or “No”.
  function ratingName(turn) { return turn.feedback.rating === "up" ? "“Yes”" : "“No”"; }
  function rating(turn) {
    var answer = turn.answer;
    var row = el("div", "rate");
    if (turn.feedback && turn.feedback.rating) {
      rated(turn, row, turn.feedback.comment
        ? "Thank you: your rating " + ratingName(turn) + " and comment are saved."
        : "Thank you: your rating " + ratingName(turn) + " is saved.");
      return row;
    }
    var ask = el("span", "rate-q", "Was this answer helpful?");
    var up = el("button", "", "Yes");
    var down = el("button", "", "No");
    up.type = down.type = "button";
    up.setAttribute("aria-label", RATED.up);
    down.setAttribute("aria-label", RATED.down);
    var note = el("span", "rate-note");
    note.setAttribute("role", "status");
    function rate(value) {
      up.disabled = down.disabled = true;
      postJson("/api/feedback", { rating: value, question: answer.question,
        answer: answer.answer, refused: answer.refused, citations: answer.citations,
        history: historyBefore(turn) }).then(function (r) {
        return r.json();
      }).then(function (receipt) {
        turn.feedback = { rating: value, id: receipt.id, token: receipt.token || "" };
        save();
        rated(turn, row, "Thank you: your rating " + ratingName(turn) + " is saved.");
        // Not on a touch screen: the keyboard would open for a comment not asked for.
        var field = row.querySelector(".comment input");
        if (field && !touchFirst()) field.focus();
      }).catch(function () {
        up.disabled = down.disabled = false;
        note.textContent = "Your rating could not be saved; please try again.";
      });
    }
    up.addEventListener("click", function () { rate("up"); });
    down.addEventListener("click", function () { rate("down"); });
    row.append(ask, up, down, note);
    return row;
  }

  // A saved rating: thanks, a button to change it (its receipt's token allows that), and
  // the comment box until a comment is sent.
  function rated(turn, row, text) {
    var feedback = turn.feedback;
    row.textContent = "";
    var thanks = el("p", "thanks", text);
    thanks.setAttribute("role", "status");
    row.appendChild(thanks);
    if (feedback.id && feedback.token) row.append.apply(row, changeRating(turn, thanks));
    if (!feedback.comment && feedback.id) row.appendChild(commentForm(turn, row));
  }

  function changeRating(turn, thanks) {
    var change = el("button", "change");
    change.type = "button";
    var note = el("span", "rate-note");
    note.setAttribute("role", "status");
    function other() { return turn.feedback.rating === "up" ? "down" : "up"; }
    function label() {
      change.textContent = other() === "up" ? "Change to Yes" : "Change to No";
      change.setAttribute("aria-label", "Change your rating to: " + RATED[other()]);
    }
    label();
    change.addEventListener("click", function () {
      var rating = other();
      change.disabled = true;
      postJson("/api/feedback/" + turn.feedback.id + "/rating",
        { rating: rating, token: turn.feedback.token }).then(function () {
        turn.feedback.rating = rating;
        save();
        note.textContent = "";
        thanks.textContent = "Thank you: your rating is changed to " + ratingName(turn) + ".";
        label();
      }).catch(function () {
        note.textContent = "Your rating could not be changed; please try again.";
      }).then(function () { change.disabled = false; });
    });
    return [change, note];
  }

  function commentForm(turn, row) {
    var box = el("div", "comment");
    var id = turn.id + "-comment";
    var label = el("label", "", "Add a comment (optional)");
    label.htmlFor = id;
    var field = el("input");
    field.id = id;
    field.maxLength = 2000;
    var sendNote = el("button", "", "Send comment");
    sendNote.type = "button";
    var note = el("p", "comment-note");
    note.setAttribute("role", "status");
    function submit() {
      var text = field.value.trim();
      if (!text) {
        note.textContent = "Write a comment first; the rating is already saved.";
        field.focus();
        note.scrollIntoView({ block: "nearest" });
        return;
      }
      sendNote.disabled = true;
      postJson("/api/feedback/" + turn.feedback.id + "/comment",
        { comment: text, token: turn.feedback.token }).then(function () {
        turn.feedback.comment = true;
        save();
        rated(turn, row, "Comment saved. Thank you.");
      }).catch(function () {
        sendNote.disabled = false;
        note.textContent = "The comment could not be saved; please try again.";
      });
    }
    sendNote.addEventListener("click", submit);
    field.addEventListener("keydown", function (e) {
      if (e.key === "Enter") { e.preventDefault(); submit(); }
    });
    box.append(label, field, sendNote, note);
    return box;
  }

  // ---- wiring -------------------------------------------------------------------------
  form.addEventListener("submit", function (e) {
    e.preventDefault();
    if (ask(input.value)) input.value = "";
  });
  input.addEventListener("keydown", function (e) {
    if (e.key === "Enter" && !e.shiftKey && !e.isComposing) {
      e.preventDefault();
      if (ask(input.value)) input.value = "";
    }
  });
  input.addEventListener("input", function () {
    if (tooLong(input.value)) notice(tooLongNotice(input.value));
    else clearNotice();
  });
  stop.addEventListener("click", function () {
    if (running) running.controller.abort(STOPPED);
  });
  document.getElementById("examples").addEventListener("click", function (e) {
    var b = e.target.closest ? e.target.closest("button.example") : null;
    if (b) ask(b.textContent);
  });
  // Clear can be undone until the next question: a stray tap loses nothing.
  var undoBar = null;
  function dropUndo() {
    if (undoBar) undoBar.remove();
    undoBar = null;
  }
  document.getElementById("clear").addEventListener("click", function () {
    if (running) running.controller.abort();
    var was = JSON.parse(JSON.stringify(kept()));
    turns = [];
    messages.textContent = "";
    welcome.hidden = false;
    try { sessionStorage.removeItem(STORE_KEY); } catch (e) { /* nothing kept */ }
    dropUndo();
    if (was.length) {
      undoBar = el("p", "cleared");
      undoBar.appendChild(document.createTextNode("Conversation cleared. "));
      var undo = el("button", "undo", "Undo");
      undo.type = "button";
      undo.addEventListener("click", function () {
        dropUndo();
        showTurns(was);
        save();
        announce("Conversation restored.");
        if (!touchFirst()) input.focus();
      });
      undoBar.appendChild(undo);
      welcome.parentNode.insertBefore(undoBar, welcome);
    }
    announce("Conversation cleared." + (was.length ? " Undo is above the examples." : ""));
    if (!touchFirst()) input.focus(); // no keyboard over the examples on a phone
  });
  var close = document.getElementById("close");
  function closeWidget() { window.parent.postMessage({ orderbot: "close" }, "*"); }
  close.addEventListener("click", closeWidget);
  // Opened on its own, not in the widget's frame, the panel has nothing to close.
  if (window.parent === window) close.hidden = true;
  document.addEventListener("keydown", function (e) {
    if (e.key !== "Escape") return;
    if (openPopover) { var a = openPopover.a; hide(openPopover.pop, a); a.focus(); return; }
    if (mode === "widget") closeWidget();
  });
  document.addEventListener("click", function (e) {
    if (openPopover && !openPopover.a.parentElement.contains(e.target)) {
      hide(openPopover.pop, openPopover.a);
    }
  });
  window.addEventListener("message", function (e) {
    if (e.source !== window.parent || !e.data || e.data.orderbot !== "opened") return;
    // The panel was opened: read from the start of the newest answer, type at once.
    scrollToTurn(turns[turns.length - 1]);
    if (!touchFirst()) input.focus({ preventScroll: true }); // no keyboard over the answer
  });

  restore();
})();
