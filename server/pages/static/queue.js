/* Ferry: the customer's live ticket page (inlined by server/pages/render.py; no framework).
 *
 * Rules: it talks to /ws/queue/{ticket} as the queue contract says; every text comes from the page's
 * "queue-config" JSON (the page's language), none is written here; a chat line is shown as "sending" until
 * the server echoes it, and as "not sent" (with "Send again") when the server refuses it, the socket drops,
 * or no echo comes within 10 s; a dropped socket is retried with backoff (1, 2, 4 … 30 s) until the queue
 * entry ends. Without script the server-rendered page reloads itself and shows the position.
 */
(function () {
  "use strict";
  var config = JSON.parse(document.getElementById("queue-config").textContent);
  var T = config.texts;
  var MAX_FILE = 10 * 1024 * 1024;
  var CONFIRM_MS = 10000;
  var MAX_BACKOFF_S = 30;
  var state = { socket: null, attempts: 0, ended: false, accepted: false, seen: {}, pending: [], failed: [],
                timer: null };

  function $(id) { return document.getElementById(id); }

  function format(key, values) {
    return (T[key] || key).replace(/\{(\w+)\}/g, function (all, name) {
      return values && Object.prototype.hasOwnProperty.call(values, name) ? String(values[name]) : all;
    });
  }

  function show(id, visible) { $(id).hidden = !visible; }

  function note(id, text) {
    var element = $(id);
    element.textContent = text || "";
    element.hidden = !text;
  }

  function localPath(url) {
    return typeof url === "string" && url.charAt(0) === "/" && url.charAt(1) !== "/" ? url : null;
  }

  function shortTime(at) {
    var when = at ? new Date(at) : new Date();
    if (isNaN(when.getTime())) { return ""; }
    return when.toLocaleTimeString(config.language, { hour: "2-digit", minute: "2-digit" });
  }

  function sizeText(bytes) {
    if (bytes >= 1048576) { return (bytes / 1048576).toFixed(1) + " MB"; }
    if (bytes >= 1024) { return Math.round(bytes / 1024) + " KB"; }
    return bytes + " B";
  }

  /* --- the position and the state ------------------------------------------------------------------ */

  function setStatus(text) {
    var region = $("queue-status");
    if (region.textContent !== text) { region.textContent = text; }
  }

  function onPosition(message) {
    if (message.state === "accepted") { onAccepted({ agent_name: state.agentName || config.agent_name }); return; }
    if (message.state === "left" || message.state === "served") { onEnded({ reason: message.state }); return; }
    var text = format("queued_body", { position: message.position, window: config.window });
    if (config.show_wait) { text += " " + format("queued_wait", { minutes: message.wait_minutes }); }
    setStatus(text);
  }

  function onAccepted(message) {
    state.agentName = message.agent_name || state.agentName || "";
    setStatus(state.agentName ? format("live_accepted", { agent: state.agentName }) : T.live_accepted_plain);
    if (state.accepted) { return; }
    state.accepted = true;
    show("queue-chat", true);
    offerFiles(message.files);
    offerChatLog(message.chat_log);
  }

  function offerFiles(allowed) {
    /* "files" is an optional hint in "accepted"; without it the form shows and the server's refusal is shown. */
    show("file-form", allowed !== false);
  }

  function offerChatLog(allowed) {
    if (allowed === true || allowed === false) { show("chat-save", allowed); return; }
    fetch(config.base + "/chat.txt", { credentials: "same-origin", cache: "no-store" })
      .then(function (answer) { show("chat-save", answer.ok); })
      .catch(function () { show("chat-save", false); });
  }

  function onEnded(message) {
    var key = { served: "live_ended_served", left: "live_ended_left" }[message.reason] || "live_ended_other";
    state.ended = true;
    setStatus(T[key]);
    show("chat-form", false);
    show("file-form", false);
    show("queue-leave", false);
    show("queue-intro", false);
    note("queue-connection", "");
    failPending(T.live_chat_offline);
    if (state.socket) { state.socket.close(1000); }
  }

  function onRemote(message) {
    var download = localPath(message.download_url);
    var connect = localPath(message.connect_url);
    $("remote-code").textContent = message.code || "";
    if (download) { $("remote-download").setAttribute("href", download); }
    if (connect) { $("remote-connect").setAttribute("href", connect); }
    show("remote-connect", Boolean(connect));
    show("queue-remote", true);
  }

  function onError(message) {
    if (message.code === "not_accepted") {
      if (!failOldest(T.live_not_accepted)) { note("queue-error", T.live_not_accepted); }
      return;
    }
    var text = format("live_error", { message: message.message || message.code || "?" });
    if (!failOldest(message.message || message.code)) { note("queue-error", text); }
  }

  /* --- the chat --------------------------------------------------------------------------------------- */

  function lineElement(who, sender) {
    var item = document.createElement("li");
    item.className = "from-" + (sender === "customer" ? "customer" : "agent");
    var name = document.createElement("span");
    name.className = "who";
    name.textContent = who + ":";
    item.appendChild(name);
    return item;
  }

  function addText(item, cls, text) {
    var span = document.createElement("span");
    span.className = cls;
    span.textContent = text;
    item.appendChild(span);
    return span;
  }

  function append(item) {
    var log = $("chat-log");
    log.appendChild(item);
    log.scrollTop = log.scrollHeight;
  }

  function senderName(message) {
    if (message.sender === "customer") { return T.live_you; }
    return message.name || state.agentName || T.live_agent;
  }

  function onChat(message) {
    if (message.id !== undefined && state.seen["c" + message.id]) { return; }
    if (message.id !== undefined) { state.seen["c" + message.id] = true; }
    if (message.sender === "customer" && confirmPending(message)) { return; }
    var item = lineElement(senderName(message), message.sender);
    addText(item, "text", message.text);
    addText(item, "at", shortTime(message.at));
    append(item);
  }

  function onFile(message) {
    if (message.id !== undefined && state.seen["f" + message.id]) { return; }
    if (message.id !== undefined) { state.seen["f" + message.id] = true; }
    var item = lineElement(senderName(message), message.sender);
    var url = localPath(message.url);
    var label = format("live_file_download", { name: message.name, size: sizeText(message.size || 0) });
    if (url) {
      var link = document.createElement("a");
      link.href = url;
      link.setAttribute("download", message.name || "");
      link.textContent = label;
      item.appendChild(link);
    } else {
      addText(item, "text", label);
    }
    append(item);
  }

  function takeLine(list, text) {
    for (var index = 0; index < list.length; index += 1) {
      if (list[index].text === text) { return list.splice(index, 1)[0]; }
    }
    return null;
  }

  function confirmPending(message) {
    /* The server's echo of a line sent from here (or of one marked "not sent" that did arrive after all). */
    var line = takeLine(state.pending, message.text) || takeLine(state.failed, message.text);
    if (!line) { return false; }
    clearTimeout(line.timer);
    if (line.retry) { line.item.removeChild(line.retry); line.retry = null; }
    line.mark.textContent = shortTime(message.at);
    line.mark.className = "at";
    line.item.classList.remove("pending");
    line.item.classList.remove("failed");
    return true;
  }

  function failLine(line, reason) {
    clearTimeout(line.timer);
    line.item.classList.remove("pending");
    line.item.classList.add("failed");
    line.mark.textContent = format("live_chat_failed", { reason: reason });
    var retry = document.createElement("button");
    retry.type = "button";
    retry.className = "secondary";
    retry.textContent = T.live_chat_retry;
    retry.addEventListener("click", function () {
      var index = state.failed.indexOf(line);
      if (index >= 0) { state.failed.splice(index, 1); }
      line.item.parentNode.removeChild(line.item);
      sendChat(line.text);
      $("chat-text").focus();
    });
    line.retry = retry;
    line.item.appendChild(retry);
    state.failed.push(line);
  }

  function failOldest(reason) {
    var line = state.pending.shift();
    if (!line) { return false; }
    failLine(line, reason);
    return true;
  }

  function failPending(reason) {
    while (state.pending.length) { failOldest(reason); }
  }

  function sendChat(text) {
    var item = lineElement(T.live_you, "customer");
    item.classList.add("pending");
    addText(item, "text", text);
    var line = { text: text, item: item, mark: addText(item, "pending", T.live_chat_sending) };
    append(item);
    if (!state.socket || state.socket.readyState !== WebSocket.OPEN) {
      failLine(line, T.live_chat_offline);
      return;
    }
    state.pending.push(line);
    line.timer = setTimeout(function () {
      var index = state.pending.indexOf(line);
      if (index >= 0) { state.pending.splice(index, 1); failLine(line, T.live_chat_unconfirmed); }
    }, CONFIRM_MS);
    state.socket.send(JSON.stringify({ type: "chat", text: text }));
  }

  function onChatSubmit(event) {
    event.preventDefault();
    var input = $("chat-text");
    var text = input.value.trim();
    if (!text) { return; }
    if (!state.accepted) { note("queue-error", T.live_not_accepted); return; }
    input.value = "";
    sendChat(text.slice(0, 4000));
  }

  /* --- files ------------------------------------------------------------------------------------------ */

  function refusal(answer) {
    return answer.text().then(function (body) {
      try {
        var data = JSON.parse(body);
        var detail = data.detail;
        if (detail && typeof detail === "object") { detail = detail.message || detail.code; }
        return String(detail || data.message || answer.status);
      } catch (ignored) {
        return body || String(answer.status);
      }
    });
  }

  function onFileSubmit(event) {
    event.preventDefault();
    var input = $("chat-file");
    var file = input.files && input.files[0];
    if (!file) { return; }
    if (file.size > MAX_FILE) { note("file-note", T.live_file_too_big); return; }
    var body = new FormData();
    body.append("file", file, file.name);
    note("file-note", T.live_chat_sending);
    fetch(config.base + "/files", { method: "POST", body: body, credentials: "same-origin" })
      .then(function (answer) {
        if (answer.ok) { input.value = ""; note("file-note", T.live_file_sent); return null; }
        return refusal(answer).then(function (reason) { note("file-note", format("live_file_failed", { reason: reason })); });
      })
      .catch(function () { note("file-note", format("live_file_failed", { reason: T.live_chat_offline })); });
  }

  /* --- the socket ------------------------------------------------------------------------------------- */

  var HANDLERS = { position: onPosition, accepted: onAccepted, chat: onChat, file: onFile, remote: onRemote,
                   ended: onEnded, error: onError };

  function onMessage(event) {
    var message;
    try { message = JSON.parse(event.data); } catch (ignored) { return; }
    var handler = message && HANDLERS[message.type];
    if (handler) { handler(message); }
  }

  function socketUrl() {
    return (location.protocol === "https:" ? "wss://" : "ws://") + location.host + config.socket;
  }

  function onOpen() {
    if (state.attempts > 0) {
      note("queue-connection", T.live_back);
      setTimeout(function () { if (state.socket === this) { note("queue-connection", ""); } }.bind(state.socket), 5000);
    }
    state.attempts = 0;
    note("queue-error", "");
    if (state.leaveAsked) { state.leaveAsked = false; onLeave(); }
  }

  function onClose(event) {
    state.socket = null;
    failPending(T.live_chat_offline);
    if (state.ended) { return; }
    if (event.code === 1008 || (event.code >= 4000 && event.code < 5000)) {
      state.ended = true;
      setStatus(T.live_gone);
      note("queue-connection", "");
      show("queue-leave", false);
      show("chat-form", false);
      return;
    }
    var seconds = Math.min(MAX_BACKOFF_S, Math.pow(2, state.attempts));
    state.attempts += 1;
    note("queue-connection", format("live_lost", { seconds: seconds }));
    state.timer = setTimeout(connect, seconds * 1000);
  }

  function connect() {
    if (state.ended) { return; }
    var socket = new WebSocket(socketUrl());
    state.socket = socket;
    socket.addEventListener("open", onOpen);
    socket.addEventListener("message", onMessage);
    socket.addEventListener("close", onClose);
  }

  function onLeave() {
    if (state.socket && state.socket.readyState === WebSocket.CONNECTING) { state.leaveAsked = true; return; }
    if (!state.socket || state.socket.readyState !== WebSocket.OPEN) {
      note("queue-error", T.live_leave_offline);
      return;
    }
    state.socket.send(JSON.stringify({ type: "leave" }));
  }

  function start() {
    show("queue-intro", true);
    show("queue-leave", true);
    $("chat-form").addEventListener("submit", onChatSubmit);
    $("file-form").addEventListener("submit", onFileSubmit);
    $("queue-leave").addEventListener("click", onLeave);
    if (config.state === "accepted") {
      onAccepted({ agent_name: config.agent_name, files: config.files, chat_log: config.chat_log });
    }
    connect();
  }

  start();
}());
