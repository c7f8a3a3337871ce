/*
 * i-Mentor e-guide website widget. No dependencies, no build step.
 *
 *   <script src="https://ASSISTANT/widget/imentor-widget.js" defer
 *           data-server="https://ASSISTANT" data-language="fi"
 *           data-title="i-Mentor e-guide" data-colour="#0b5cad"></script>
 *
 * Everything the assistant or she wrote is put on the page as text (textContent), never as
 * markup. Messages typed while the connection is down wait in this tab and are sent, in order
 * and once each, when it comes back; replies missed meanwhile are fetched from the server.
 */
(function () {
  "use strict";

  var script = document.currentScript;
  if (!script || window.__imentorWidgetLoaded) return;
  window.__imentorWidgetLoaded = true;

  var data = script.dataset;
  var server = (data.server || new URL(script.src, location.href).origin).replace(/\/+$/, "");
  var storeKey = "imentor-widget:" + server;
  var POLL_MS = 15000;
  var RELAY_POLL_MS = 3000; // while a mentor is talking with her: replies come at any moment
  var RETRY_MAX_MS = 10000;

  var saved = readStore(localStorage, {});
  var state = {
    token: saved.token || null,
    language: saved.language || null,
    after: 0,
    outbox: readStore(sessionStorage, {}).outbox || [],
    busy: false,
    retryMs: 1000,
    retryTimer: null,
    pollTimer: null,
    relay: false,
    offline: false,
    loaded: false,
    strings: null,
    languages: [],
  };
  var ui = {};

  // ---- storage (may be unavailable: private mode, blocked cookies) -------------------------
  function readStore(area, fallback) {
    try {
      return JSON.parse(area.getItem(storeKey) || "null") || fallback;
    } catch (e) {
      return fallback;
    }
  }
  function writeStores() {
    try {
      localStorage.setItem(storeKey, JSON.stringify({ token: state.token, language: state.language }));
      sessionStorage.setItem(storeKey, JSON.stringify({ outbox: state.outbox }));
    } catch (e) {
      /* the conversation still works, it is just not remembered */
    }
  }

  // ---- helpers ---------------------------------------------------------------------------
  function el(tag, attrs, children) {
    var node = document.createElement(tag);
    Object.keys(attrs || {}).forEach(function (name) {
      if (name === "text") node.textContent = attrs[name];
      else node.setAttribute(name, attrs[name]);
    });
    (children || []).forEach(function (child) {
      node.appendChild(child);
    });
    return node;
  }
  function t(key) {
    var own = state.strings[state.language] || {};
    return own[key] || state.strings.en[key] || key;
  }
  function direction(code) {
    for (var i = 0; i < state.languages.length; i++) {
      if (state.languages[i].code === code) return state.languages[i].direction;
    }
    return "ltr";
  }
  function newId() {
    var bytes = new Uint8Array(12);
    crypto.getRandomValues(bytes);
    return Array.prototype.map
      .call(bytes, function (b) {
        return ("0" + b.toString(16)).slice(-2);
      })
      .join("");
  }
  function pickLanguage() {
    var known = state.languages.map(function (l) {
      return l.code;
    });
    var wanted = [state.language, data.language].concat(navigator.languages || []);
    for (var i = 0; i < wanted.length; i++) {
      var code = (wanted[i] || "").toLowerCase().split("-")[0];
      if (known.indexOf(code) >= 0) return code;
    }
    return "en";
  }
  // Text with its web addresses as links; everything else stays text.
  function richText(text) {
    var fragment = document.createDocumentFragment();
    var pattern = /https?:\/\/[^\s<>"]+/g;
    var last = 0;
    var match;
    while ((match = pattern.exec(text))) {
      var address = match[0].replace(/[.,;:!?)\]]+$/, "");
      fragment.appendChild(document.createTextNode(text.slice(last, match.index)));
      var link = el("a", { href: address, target: "_blank", rel: "noopener noreferrer nofollow" });
      link.textContent = address;
      link.appendChild(el("span", { class: "imw-hidden", text: " " + t("new_window") }));
      fragment.appendChild(link);
      last = match.index + address.length;
      pattern.lastIndex = last;
    }
    fragment.appendChild(document.createTextNode(text.slice(last)));
    return fragment;
  }
  // Text on the accent colour: whichever of white or near-black contrasts more (WCAG).
  function luminance(hex) {
    var channels = [1, 3, 5].map(function (i) {
      var c = parseInt(hex.substr(i, 2), 16) / 255;
      return c <= 0.03928 ? c / 12.92 : Math.pow((c + 0.055) / 1.055, 2.4);
    });
    return 0.2126 * channels[0] + 0.7152 * channels[1] + 0.0722 * channels[2];
  }
  function applyColour(root) {
    var colour = /^#[0-9a-fA-F]{6}$/.test(data.colour || "") ? data.colour : null;
    if (!colour) return;
    var l = luminance(colour);
    var onWhite = (1.05) / (l + 0.05);
    var onDark = (l + 0.05) / (luminance("#111111") + 0.05);
    root.style.setProperty("--imw-accent", colour);
    root.style.setProperty("--imw-on-accent", onWhite >= onDark ? "#ffffff" : "#111111");
  }

  // ---- the page --------------------------------------------------------------------------
  function build() {
    if (!document.querySelector('link[data-imentor-widget]')) {
      var css = el("link", { rel: "stylesheet", href: server + "/widget/imentor-widget.css" });
      css.setAttribute("data-imentor-widget", "");
      document.head.appendChild(css);
    }
    ui.root = el("div", { class: "imw-root" });
    applyColour(ui.root);
    ui.launcher = el("button", {
      type: "button",
      class: "imw-launcher",
      "aria-expanded": "false",
      "aria-controls": "imw-panel",
    });
    ui.launcherText = el("span");
    ui.launcher.appendChild(el("span", { class: "imw-launcher-icon", "aria-hidden": "true", text: "💬" }));
    ui.launcher.appendChild(ui.launcherText);

    ui.title = el("h2", { id: "imw-title", class: "imw-title" });
    ui.subtitle = el("p", { class: "imw-subtitle" });
    ui.languageLabel = el("label", { for: "imw-language", class: "imw-hidden" });
    ui.language = el("select", { id: "imw-language", class: "imw-language" });
    state.languages.forEach(function (l) {
      ui.language.appendChild(el("option", { value: l.code, lang: l.code, dir: l.direction, text: l.name }));
    });
    ui.close = el("button", { type: "button", class: "imw-close" }, [
      el("span", { "aria-hidden": "true", text: "×" }),
    ]);
    ui.closeLabel = el("span", { class: "imw-hidden" });
    ui.close.appendChild(ui.closeLabel);
    var header = el("div", { class: "imw-header" }, [
      el("div", { class: "imw-heading" }, [ui.title, ui.subtitle]),
      ui.languageLabel,
      ui.language,
      ui.close,
    ]);
    ui.log = el("ol", { class: "imw-log", role: "log", "aria-live": "polite", tabindex: "0" });
    ui.typing = el("div", { class: "imw-typing", role: "status", hidden: "" });
    ui.typingText = el("span", { class: "imw-hidden" });
    ui.typing.appendChild(el("span", { class: "imw-dots", "aria-hidden": "true" }, [el("i"), el("i"), el("i")]));
    ui.typing.appendChild(ui.typingText);
    ui.status = el("p", { class: "imw-status", role: "status", "aria-live": "polite" });
    ui.inputLabel = el("label", { for: "imw-input", class: "imw-hidden" });
    ui.input = el("textarea", { id: "imw-input", class: "imw-input", rows: "1", maxlength: "2000" });
    ui.send = el("button", { type: "submit", class: "imw-send" });
    ui.form = el("form", { class: "imw-form" }, [ui.inputLabel, ui.input, ui.send]);
    ui.panel = el("div", {
      id: "imw-panel",
      class: "imw-panel",
      role: "dialog",
      "aria-modal": "false",
      "aria-labelledby": "imw-title",
      hidden: "",
    }, [header, ui.log, ui.typing, ui.status, ui.form]);
    ui.root.appendChild(ui.panel);
    ui.root.appendChild(ui.launcher);
    document.body.appendChild(ui.root);

    ui.launcher.addEventListener("click", function () {
      setOpen(ui.panel.hidden);
    });
    ui.close.addEventListener("click", function () {
      setOpen(false);
    });
    ui.panel.addEventListener("keydown", function (event) {
      if (event.key === "Escape") setOpen(false);
    });
    ui.language.addEventListener("change", function () {
      setLanguage(ui.language.value);
      enqueue({ language: state.language });
    });
    ui.form.addEventListener("submit", function (event) {
      event.preventDefault();
      submitTyped();
    });
    ui.input.addEventListener("keydown", function (event) {
      if (event.key === "Enter" && !event.shiftKey && !event.isComposing) {
        event.preventDefault();
        submitTyped();
      }
    });
    window.addEventListener("online", function () {
      retryNow();
    });
    document.addEventListener("visibilitychange", function () {
      if (!document.hidden && !ui.panel.hidden) poll();
    });
    setLanguage(pickLanguage());
    if (data.open === "true") setOpen(true);
  }

  function setLanguage(code) {
    state.language = code;
    ui.root.setAttribute("lang", code);
    ui.root.setAttribute("dir", direction(code));
    ui.language.value = code;
    var title = data.title || t("title");
    ui.launcherText.textContent = title;
    ui.launcher.setAttribute("aria-label", t("open") + ": " + title);
    ui.title.textContent = title;
    ui.subtitle.textContent = t("subtitle");
    ui.languageLabel.textContent = t("language_label");
    ui.closeLabel.textContent = t("close");
    ui.log.setAttribute("aria-label", t("conversation_label"));
    ui.typingText.textContent = t("typing");
    ui.inputLabel.textContent = t("input_label");
    ui.input.setAttribute("placeholder", t("placeholder"));
    ui.send.textContent = t("send");
    Array.prototype.forEach.call(ui.log.querySelectorAll(".imw-who"), function (who) {
      who.textContent = t(who.getAttribute("data-who") === "user" ? "you_said" : "assistant_said") + " ";
    });
    Array.prototype.forEach.call(ui.log.querySelectorAll(".imw-pending-note"), function (note) {
      note.textContent = t("pending");
    });
    writeStores();
  }

  function setOpen(open) {
    ui.panel.hidden = !open;
    ui.root.classList.toggle("imw-open", open);
    ui.launcher.setAttribute("aria-expanded", open ? "true" : "false");
    if (open) {
      ui.input.focus();
      start();
      schedulePoll();
    } else {
      clearTimeout(state.pollTimer);
      ui.launcher.focus();
    }
  }

  function setStatus(text) {
    ui.status.textContent = text || "";
    ui.status.hidden = !text;
  }

  // ---- messages on the page --------------------------------------------------------------
  function clearChoices() {
    Array.prototype.forEach.call(ui.log.querySelectorAll(".imw-choices"), function (group) {
      group.parentNode.removeChild(group);
    });
  }

  function addBubble(from, text, id) {
    var item = el("li", { class: "imw-msg imw-" + from });
    if (id) item.setAttribute("data-id", id);
    var who = el("span", { class: "imw-hidden imw-who", "data-who": from });
    who.textContent = t(from === "user" ? "you_said" : "assistant_said") + " ";
    // each message finds its own direction: an English answer stays left-to-right in Arabic
    var body = el("p", { class: "imw-text", dir: "auto" });
    body.appendChild(richText(text));
    item.appendChild(who);
    item.appendChild(body);
    item.imwText = text;
    ui.log.appendChild(item);
    ui.log.scrollTop = ui.log.scrollHeight;
    return item;
  }

  function addChoices(item, buttons) {
    var group = el("div", { class: "imw-choices", role: "group", "aria-label": t("options_label") });
    buttons.forEach(function (button) {
      var choice = el("button", { type: "button", class: "imw-choice", text: button.title });
      choice.addEventListener("click", function () {
        clearChoices();
        var mine = addBubble("user", button.title, null);
        enqueue({ text: button.payload }, mine);
        ui.input.focus();
      });
      group.appendChild(choice);
    });
    item.appendChild(group);
  }

  function show(messages) {
    var firstAnswer = null;
    messages.forEach(function (message) {
      if (message.at <= state.after) return;
      state.after = message.at;
      if (message.from === "user") {
        var mine = message.id && ui.log.querySelector('[data-id="' + message.id + '"]');
        if (mine) {
          mine.classList.remove("imw-pending");
          mine.removeAttribute("data-id");
          var note = mine.querySelector(".imw-pending-note");
          if (note) note.parentNode.removeChild(note);
          return;
        }
        clearChoices();
        addBubble("user", message.text, null);
        return;
      }
      var item = addBubble("bot", message.text, null);
      firstAnswer = firstAnswer || item;
      if (message.buttons && message.buttons.length) {
        clearChoices();
        addChoices(item, message.buttons);
      }
    });
    // a long answer is read from its beginning, not its end
    if (firstAnswer && ui.log.scrollHeight - firstAnswer.offsetTop > ui.log.clientHeight) {
      ui.log.scrollTop = firstAnswer.offsetTop - 8; // the log is the item's offset parent
    }
  }

  function submitTyped() {
    var text = ui.input.value.trim();
    if (!text) return;
    ui.input.value = "";
    clearChoices();
    enqueue({ text: text }, addBubble("user", text, null));
  }

  // ---- talking to the server: one request at a time, in order, each message once ----------
  function markPending(bubble, item) {
    bubble.setAttribute("data-id", item.client_id);
    bubble.classList.add("imw-pending");
    bubble.appendChild(el("span", { class: "imw-pending-note", text: t("pending") }));
  }

  function enqueue(item, bubble) {
    item.client_id = newId();
    if (bubble) {
      item.shown = bubble.imwText;
      markPending(bubble, item);
    }
    state.outbox.push(item);
    writeStores();
    flush();
  }

  function request(path, body) {
    var controller = new AbortController();
    var timer = setTimeout(function () {
      controller.abort();
    }, 30000);
    return fetch(server + path, {
      method: "POST",
      // text/plain keeps it a CORS "simple request": no preflight from a partner's site
      headers: { "Content-Type": "text/plain;charset=UTF-8" },
      body: JSON.stringify(body),
      signal: controller.signal,
      credentials: "omit",
    }).finally(function () {
      clearTimeout(timer);
    });
  }

  function ensureSession() {
    if (state.token) return Promise.resolve(state.token);
    return request("/widget/session", {})
      .then(function (answer) {
        if (!answer.ok) throw new Error("session " + answer.status);
        return answer.json();
      })
      .then(function (body) {
        state.token = body.session;
        writeStores();
        return state.token;
      });
  }

  function start() {
    if (state.started) return;
    state.started = true;
    if (state.token) {
      poll(true);
    } else {
      enqueue({ start: true });
    }
  }

  function wentOffline() {
    if (!state.offline) {
      state.offline = true;
      setStatus(t("offline"));
    }
    clearTimeout(state.retryTimer);
    state.retryTimer = setTimeout(retryNow, state.retryMs);
    state.retryMs = Math.min(state.retryMs * 2, RETRY_MAX_MS);
  }

  function backOnline() {
    state.retryMs = 1000;
    if (state.offline) {
      state.offline = false;
      setStatus(t("back_online"));
      setTimeout(function () {
        if (!state.offline) setStatus("");
      }, 4000);
    }
  }

  function retryNow() {
    clearTimeout(state.retryTimer);
    if (state.outbox.length) flush();
    else poll();
  }

  function adopt(body) {
    if (body.language && body.language !== state.language) setLanguage(body.language);
    var relay = body.relay === true;
    if (relay !== state.relay) {
      state.relay = relay;
      schedulePoll();
    }
    show(body.messages || []);
  }

  function flush() {
    if (state.busy || !state.outbox.length) return;
    state.busy = true;
    var item = state.outbox[0];
    ui.typing.hidden = false;
    ensureSession()
      .then(function (token) {
        var body = { session: token, client_id: item.client_id, after: state.after, language_hint: state.language };
        if (item.start) body.start = true;
        else if (item.language) body.language = item.language;
        else body.text = item.text;
        return request("/widget/message", body);
      })
      .then(function (answer) {
        if (answer.status === 401) {
          state.token = null; // the server no longer knows it (a new key): start anew
          return null;
        }
        if (answer.status >= 500 || answer.status === 429) throw new Error("server " + answer.status);
        state.outbox.shift();
        writeStores();
        if (!answer.ok) {
          refused(item, answer.status);
          return null;
        }
        return answer.json();
      })
      .then(function (body) {
        backOnline();
        if (body) adopt(body);
        state.busy = false;
        ui.typing.hidden = true;
        if (state.outbox.length) flush();
      })
      .catch(function () {
        state.busy = false;
        ui.typing.hidden = true;
        wentOffline();
      });
  }

  function refused(item, status) {
    var bubble = ui.log.querySelector('[data-id="' + item.client_id + '"]');
    if (bubble) bubble.parentNode.removeChild(bubble);
    if (status === 413 && item.text !== undefined) ui.input.value = item.shown || item.text;
    setStatus(t(status === 413 ? "too_long" : "failed"));
  }

  function poll(first) {
    if (!state.token || state.busy || state.outbox.length) return;
    state.busy = true;
    request("/widget/history", { session: state.token, after: state.after })
      .then(function (answer) {
        if (answer.status === 401) {
          state.token = null;
          return null;
        }
        if (!answer.ok) throw new Error("server " + answer.status);
        return answer.json();
      })
      .then(function (body) {
        state.busy = false;
        backOnline();
        if (body) adopt(body);
        // a conversation the server no longer has (erased, or a new key): greet her anew
        if (first && (!state.token || (body && !(body.messages || []).length))) {
          if (state.token) enqueue({ start: true });
          else {
            state.started = false;
            start();
          }
        }
      })
      .catch(function () {
        state.busy = false;
        wentOffline();
      });
  }

  function schedulePoll() {
    clearTimeout(state.pollTimer);
    state.pollTimer = setTimeout(function () {
      if (!ui.panel.hidden && !document.hidden) poll();
      schedulePoll();
    }, state.relay ? RELAY_POLL_MS : POLL_MS);
  }

  // ---- start: the strings first (every label comes from the translators' files) ------------
  function load(delay) {
    fetch(server + "/widget/strings", { credentials: "omit" })
      .then(function (answer) {
        if (!answer.ok) throw new Error("strings " + answer.status);
        return answer.json();
      })
      .then(function (body) {
        state.strings = body.strings;
        state.languages = body.languages;
        build();
        state.outbox.forEach(function (item) {
          if (item.shown) markPending(addBubble("user", item.shown, null), item);
        });
        if (state.outbox.length) flush();
      })
      .catch(function () {
        setTimeout(function () {
          load(Math.min(delay * 2, RETRY_MAX_MS));
        }, delay);
      });
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", function () {
      load(1000);
    });
  } else {
    load(1000);
  }
})();
