// member-bot sandbox chat: draws one user's private chat with the bot from the emulator's events.
// Every string from the bot or a user reaches the page through textContent or DOM nodes, never innerHTML.
"use strict";

const $ = (id) => document.getElementById(id);

const state = {
  users: [],
  user: null, // the sandbox user whose chat is shown
  messages: new Map(), // message_id -> ChatMessage.to_dict()
  replyKeyboard: null,
  keyboardHidden: false, // a one_time_keyboard folds away after a press, as in Telegram
  commands: [],
  paid: new Set(), // invoice message ids paid from this page
  paying: new Set(), // invoice message ids waiting for the bot's pre-checkout answer
  events: null,
  typingTimer: null,
  stickToBottom: true,
};

// --- small DOM helpers ---------------------------------------------------------------------------

function el(tag, className, text) {
  const node = document.createElement(tag);
  if (className) node.className = className;
  if (text !== undefined && text !== null) node.textContent = String(text);
  return node;
}

function initials(name) {
  const words = (name || "?").trim().split(/\s+/);
  return (words.length > 1 ? words[0][0] + words[1][0] : words[0].slice(0, 2)).toUpperCase();
}

function timeOf(unixSeconds) {
  return new Date(unixSeconds * 1000).toLocaleTimeString([], { hour: "2-digit", minute: "2-digit", hour12: false });
}

function dayOf(unixSeconds) {
  return new Date(unixSeconds * 1000).toLocaleDateString([], { year: "numeric", month: "long", day: "numeric" });
}

async function api(path, body) {
  const options = body === undefined ? {} : {
    method: "POST",
    headers: { "Content-Type": "application/json" },
    body: JSON.stringify(body),
  };
  const response = await fetch(path, options);
  const data = await response.json().catch(() => ({}));
  if (!response.ok) throw new Error(data.error || `HTTP ${response.status}`);
  return data;
}

// --- toasts and alerts ---------------------------------------------------------------------------

let toastTimer = null;

function toast(text) {
  const box = $("toast");
  box.textContent = text;
  box.hidden = false;
  box.classList.remove("fade");
  clearTimeout(toastTimer);
  toastTimer = setTimeout(() => {
    box.classList.add("fade");
    toastTimer = setTimeout(() => { box.hidden = true; }, 300);
  }, 2500);
}

function alertBox(text) {
  $("alert-text").textContent = text;
  $("alert").hidden = false;
  $("alert-ok").focus();
}

// --- text with entities --------------------------------------------------------------------------

const SAFE_SCHEMES = new Set(["http:", "https:", "mailto:", "tg:"]);

function safeUrl(url) {
  try {
    const parsed = new URL(url);
    return SAFE_SCHEMES.has(parsed.protocol) ? parsed.href : null;
  } catch {
    return null;
  }
}

function link(url, className) {
  const href = safeUrl(url);
  if (!href) return el("span", className);
  const a = el("a", className);
  a.href = href;
  a.target = "_blank";
  a.rel = "noopener noreferrer";
  return a;
}

function entityNode(entity, inner) {
  switch (entity.type) {
    case "bold": return el("b");
    case "italic": return el("i");
    case "underline": return el("u");
    case "strikethrough": return el("s");
    case "spoiler": {
      const span = el("span", "spoiler");
      span.title = "Click to reveal · 点击显示";
      span.addEventListener("click", () => span.classList.add("revealed"));
      return span;
    }
    case "code": return el("code");
    case "pre": return el("pre");
    case "blockquote": case "expandable_blockquote": return el("blockquote");
    case "text_link": return link(entity.url, "link");
    case "url": return link(/^[a-z][a-z0-9+.-]*:/i.test(inner) ? inner : `https://${inner}`, "link");
    case "email": return link(`mailto:${inner}`, "link");
    case "bot_command": {
      const span = el("span", "link command");
      span.addEventListener("click", () => sendText(inner.split("@")[0]));
      return span;
    }
    case "mention": case "hashtag": case "cashtag": case "phone_number": case "text_mention":
      return el("span", "link");
    default: return el("span");
  }
}

// Entities come from Telegram's parser, so they nest properly; offsets are UTF-16 units, as JS strings.
function fillFormatted(parent, text, entities, start = 0, end = text.length) {
  const sorted = [...entities].sort((a, b) => a.offset - b.offset || b.length - a.length);
  let position = start;
  let index = 0;
  while (index < sorted.length) {
    const entity = sorted[index];
    if (entity.offset < position || entity.offset >= end) { index += 1; continue; }
    const stop = Math.min(entity.offset + entity.length, end);
    parent.append(text.slice(position, entity.offset));
    const nested = [];
    index += 1;
    while (index < sorted.length && sorted[index].offset < stop) nested.push(sorted[index++]);
    const node = entityNode(entity, text.slice(entity.offset, stop));
    fillFormatted(node, text, nested, entity.offset, stop);
    parent.append(node);
    position = stop;
  }
  parent.append(text.slice(position, end));
}

function formatted(text, entities, className = "text") {
  const box = el("div", className);
  fillFormatted(box, text || "", entities || []);
  return box;
}

// --- money ---------------------------------------------------------------------------------------

function money(amount, currency) {
  if (currency === "XTR") return `⭐ ${amount}`;
  try {
    const format = new Intl.NumberFormat(undefined, { style: "currency", currency });
    const digits = format.resolvedOptions().maximumFractionDigits;
    return format.format(amount / 10 ** digits);
  } catch {
    return `${(amount / 100).toFixed(2)} ${currency}`;
  }
}

// --- messages ------------------------------------------------------------------------------------

function meta(message) {
  const box = el("span", "meta");
  if (message.edit_count) box.append(el("span", "edited", "edited"));
  box.append(el("span", "time", timeOf(message.date)));
  if (!message.from_bot) box.append(el("span", "ticks", "✓✓"));
  return box;
}

function mediaContent(message, bubble) {
  if (message.photo_file_id) {
    const a = el("a", "photo-link");
    a.href = `/api/files/${encodeURIComponent(message.photo_file_id)}`;
    a.target = "_blank";
    a.rel = "noopener";
    const img = el("img", "photo");
    img.alt = "photo";
    img.src = a.href;
    img.addEventListener("load", () => keepAtBottom());
    a.append(img);
    bubble.append(a);
    bubble.classList.add("has-photo");
  }
  if (message.document_file_id) {
    const a = el("a", "document");
    a.href = `/api/files/${encodeURIComponent(message.document_file_id)}?download=1`;
    a.download = message.document_name || "file";
    a.append(el("span", "doc-icon", "📄"));
    const label = el("span", "doc-label");
    label.append(el("span", "doc-name", message.document_name || "file"), el("span", "doc-hint", "Download · 下载"));
    a.append(label);
    bubble.append(a);
  }
}

function invoiceContent(message, bubble) {
  const invoice = message.invoice || {};
  const card = el("div", "invoice");
  card.append(el("div", "invoice-title", invoice.title));
  card.append(el("div", "invoice-description", invoice.description));
  const prices = el("div", "invoice-prices");
  for (const price of invoice.prices || []) {
    const row = el("div", "invoice-price");
    row.append(el("span", null, price.label), el("span", null, money(price.amount, invoice.currency)));
    prices.append(row);
  }
  card.append(prices);
  card.append(el("div", "invoice-total", `${money(invoice.total_amount, invoice.currency)} · TEST`));
  bubble.append(card);
}

function paidAlready(message) {
  if (state.paid.has(message.message_id)) return true;
  const payload = message.invoice && message.invoice.payload;
  return [...state.messages.values()].some(
    (other) => other.successful_payment && other.successful_payment.invoice_payload === payload
      && other.message_id > message.message_id,
  );
}

function payButton(message, label) {
  const button = el("button", "inline-button pay");
  const paid = paidAlready(message);
  button.textContent = paid ? "✅ Paid · 已支付" : label
    || `Pay (test) ${money(message.invoice.total_amount, message.invoice.currency)} · 测试支付`;
  button.disabled = paid || state.paying.has(message.message_id);
  if (state.paying.has(message.message_id)) button.classList.add("pending");
  button.addEventListener("click", () => pay(message, button));
  return button;
}

function inlineKeyboard(message) {
  const rows = message.inline_buttons || [];
  const hasPay = rows.some((row) => row.some((button) => button.pay));
  if (!rows.length && message.kind !== "invoice") return null;
  const keyboard = el("div", "inline-keyboard");
  if (message.kind === "invoice" && !hasPay) {
    const row = el("div", "keyboard-row");
    row.append(payButton(message));
    keyboard.append(row);
  }
  for (const buttons of rows) {
    const row = el("div", "keyboard-row");
    for (const button of buttons) {
      if (button.pay && message.kind === "invoice") { row.append(payButton(message, button.text)); continue; }
      row.append(inlineButton(message, button));
    }
    keyboard.append(row);
  }
  return keyboard;
}

function inlineButton(message, button) {
  const node = el("button", "inline-button", button.text);
  if (button.url) {
    node.classList.add("url");
    node.title = button.url;
    node.addEventListener("click", () => {
      const href = safeUrl(button.url);
      if (href) window.open(href, "_blank", "noopener");
    });
  } else if (button.callback_data !== undefined) {
    node.dataset.callbackData = button.callback_data;
    node.addEventListener("click", () => press(message, button, node));
  } else if (button.copy_text) {
    node.addEventListener("click", async () => {
      await navigator.clipboard.writeText(button.copy_text.text).catch(() => {});
      toast("Copied · 已复制");
    });
  } else {
    node.addEventListener("click", () => toast("Not available in the sandbox · 沙盒中不可用"));
  }
  return node;
}

function buildMessage(message) {
  const row = el("div", `row ${message.from_bot ? "in" : "out"}`);
  row.dataset.messageId = message.message_id;
  row.dataset.kind = message.kind;
  if (message.kind === "payment" && message.successful_payment) {
    row.className = "row service";
    const payment = message.successful_payment;
    row.append(el("div", "service-text", `💳 Paid ${money(payment.total_amount, payment.currency)} · 支付成功`));
    return row;
  }
  const stack = el("div", "stack");
  const bubble = el("div", "bubble");
  if (message.kind === "invoice") {
    invoiceContent(message, bubble);
  } else if (message.kind === "contact" && message.contact) {
    const card = el("div", "contact");
    const name = [message.contact.first_name, message.contact.last_name].filter(Boolean).join(" ");
    card.append(el("span", "contact-avatar", "👤"));
    const label = el("span", "contact-label");
    label.append(el("span", "contact-name", name), el("span", "contact-phone", message.contact.phone_number));
    card.append(label);
    bubble.append(card);
  } else {
    mediaContent(message, bubble);
    if (message.text) bubble.append(formatted(message.text, message.entities));
  }
  bubble.append(meta(message));
  stack.append(bubble);
  const keyboard = inlineKeyboard(message);
  if (keyboard) {
    stack.append(keyboard);
    stack.classList.add("has-keyboard");
  }
  row.append(stack);
  return row;
}

function nearBottom() {
  const box = $("messages");
  return box.scrollHeight - box.scrollTop - box.clientHeight < 120;
}

// Follow new messages (and photos that load late) unless the user scrolled up to read.
function keepAtBottom(force = false) {
  const box = $("messages");
  if (force || state.stickToBottom) box.scrollTop = box.scrollHeight;
}

function dayChip(date) {
  const chip = el("div", "row service day");
  chip.append(el("div", "service-text", dayOf(date)));
  chip.dataset.day = dayOf(date);
  return chip;
}

// Insert or replace one message, in message_id order; an edit replaces the bubble where it stands.
function putMessage(message) {
  const box = $("messages");
  const existing = box.querySelector(`[data-message-id="${message.message_id}"]`);
  const known = state.messages.get(message.message_id);
  if (known && known.edit_count > message.edit_count) return; // an older snapshot of an edited message
  state.messages.set(message.message_id, message);
  const node = buildMessage(message);
  if (existing) {
    existing.replaceWith(node);
  } else {
    const later = [...box.querySelectorAll("[data-message-id]")]
      .find((other) => Number(other.dataset.messageId) > message.message_id);
    if (later) {
      later.before(node);
    } else {
      const lastDay = [...box.querySelectorAll("[data-day]")].pop();
      if (!lastDay || lastDay.dataset.day !== dayOf(message.date)) box.append(dayChip(message.date));
      box.append(node);
    }
  }
  if (message.kind === "payment") refreshInvoices(); // its invoice turns "Paid"
  keepAtBottom();
  updateStartBar();
}

function removeMessage(messageId) {
  state.messages.delete(messageId);
  const node = $("messages").querySelector(`[data-message-id="${messageId}"]`);
  if (node) node.remove();
  updateStartBar();
}

function refreshInvoices() {
  for (const message of state.messages.values()) {
    if (message.kind !== "invoice") continue;
    const node = $("messages").querySelector(`[data-message-id="${message.message_id}"]`);
    if (node) node.replaceWith(buildMessage(message));
  }
}

function serviceNote(text, className) {
  const row = el("div", `row service ${className || ""}`);
  row.append(el("div", "service-text", text));
  $("messages").append(row);
  keepAtBottom(true);
}

// --- reply keyboard, commands, start bar ---------------------------------------------------------

function renderReplyKeyboard() {
  const box = $("reply-keyboard");
  box.replaceChildren();
  const markup = state.replyKeyboard;
  $("text").placeholder = (markup && markup.input_field_placeholder) || "Message · 消息";
  if (!markup || !markup.keyboard || state.keyboardHidden) { box.hidden = true; return; }
  for (const buttons of markup.keyboard) {
    const row = el("div", "keyboard-row");
    for (const raw of buttons) {
      const button = typeof raw === "string" ? { text: raw } : raw;
      const node = el("button", "reply-button", button.text);
      node.type = "button";
      if (button.request_contact) node.classList.add("contact-button");
      node.addEventListener("click", () => replyPress(button));
      row.append(node);
    }
    box.append(row);
  }
  box.hidden = false;
}

async function replyPress(button) {
  if (state.replyKeyboard && state.replyKeyboard.one_time_keyboard) {
    state.keyboardHidden = true;
    renderReplyKeyboard();
  }
  try {
    if (button.request_contact) await api(`/api/users/${state.user.id}/contact`, {});
    else await api(`/api/users/${state.user.id}/send`, { text: button.text });
  } catch (error) {
    toast(error.message);
  }
}

function renderCommands(filter) {
  const box = $("commands");
  box.replaceChildren();
  const prefix = (filter || "").replace(/^\//, "").toLowerCase();
  const shown = state.commands.filter((command) => command.command.startsWith(prefix));
  if (!shown.length) {
    box.append(el("div", "commands-empty", state.commands.length ? "No matching command" : "No commands set (setMyCommands)"));
  }
  for (const command of shown) {
    const item = el("button", "command-item");
    item.type = "button";
    item.append(el("span", "command-name", `/${command.command}`), el("span", "command-description", command.description));
    item.addEventListener("click", () => { closeCommands(); sendText(`/${command.command}`); });
    box.append(item);
  }
  box.hidden = false;
}

function closeCommands() {
  $("commands").hidden = true;
}

// An empty chat offers START as Telegram does; the input stays, since after a sandbox restart the
// chat is empty although the bot already knows the user.
function updateStartBar() {
  $("start-bar").hidden = state.messages.size > 0;
  $("input-bar").hidden = false;
}

// --- actions -------------------------------------------------------------------------------------

async function sendText(text) {
  if (!text.trim() || !state.user) return;
  try {
    await api(`/api/users/${state.user.id}/send`, { text });
  } catch (error) {
    toast(error.message);
  }
}

async function press(message, button, node) {
  node.classList.add("pending");
  try {
    const answer = await api(`/api/users/${state.user.id}/press`, {
      message_id: message.message_id,
      callback_data: button.callback_data,
    });
    if (!answer.answered) toast("The bot did not answer the button (answerCallbackQuery) · 机器人没有回应");
    else if (answer.text && answer.show_alert) alertBox(answer.text);
    else if (answer.text) toast(answer.text);
  } catch (error) {
    toast(error.message);
  } finally {
    node.classList.remove("pending");
  }
}

async function pay(message, button) {
  state.paying.add(message.message_id);
  button.classList.add("pending");
  button.disabled = true;
  try {
    const result = await api(`/api/users/${state.user.id}/pay`, { message_id: message.message_id });
    if (result.ok) {
      state.paid.add(message.message_id);
      toast("✅ Payment successful · 支付成功");
    } else {
      alertBox(result.error_message || "Payment failed · 支付失败");
    }
  } catch (error) {
    toast(error.message);
  } finally {
    state.paying.delete(message.message_id);
    refreshInvoices();
  }
}

// --- live events ---------------------------------------------------------------------------------

function setStatus(text, className) {
  const status = $("status");
  status.textContent = text;
  status.className = `status ${className || ""}`;
}

function applySnapshot(event) {
  state.messages.clear();
  $("messages").replaceChildren();
  $("messages").dataset.user = event.user.id; // drawn from the server's state: tests wait for this
  for (const message of event.messages) putMessage(message);
  state.replyKeyboard = event.reply_keyboard;
  state.keyboardHidden = false;
  state.commands = event.commands || [];
  if (!$("commands").hidden) renderCommands($("text").value);
  renderReplyKeyboard();
  updateStartBar();
  keepAtBottom(true);
}

function onEvent(event) {
  switch (event.type) {
    case "snapshot":
      applySnapshot(event);
      setStatus("bot");
      break;
    case "message":
    case "edit":
      if (event.type === "message" && event.message.from_bot) {
        clearTimeout(state.typingTimer);
        setStatus("bot");
      }
      putMessage(event.message);
      if (JSON.stringify(event.reply_keyboard) !== JSON.stringify(state.replyKeyboard)) {
        state.replyKeyboard = event.reply_keyboard;
        state.keyboardHidden = false;
      }
      renderReplyKeyboard();
      break;
    case "delete":
      removeMessage(event.message_id);
      break;
    case "commands":
      state.commands = event.commands || [];
      if (!$("commands").hidden) renderCommands($("text").value);
      break;
    case "chat_action":
      setStatus(event.action === "typing" ? "typing… · 正在输入" : `${event.action.replace(/_/g, " ")}…`, "active");
      clearTimeout(state.typingTimer);
      state.typingTimer = setTimeout(() => setStatus("bot"), 5000);
      break;
    case "api_error":
      serviceNote(`⚠️ Bot API error · ${event.method}: ${event.description}`, "error");
      break;
    default:
      break;
  }
}

function connect(user) {
  if (state.events) state.events.close();
  setStatus("connecting… · 连接中", "muted");
  const source = new EventSource(`/api/users/${user.id}/events`);
  source.onmessage = (message) => onEvent(JSON.parse(message.data));
  source.onerror = () => setStatus("reconnecting… · 重新连接中", "muted");
  state.events = source;
}

// --- users ---------------------------------------------------------------------------------------

function renderUsers() {
  const nav = $("users");
  nav.replaceChildren();
  for (const user of state.users) {
    const item = el("button", "user");
    item.type = "button";
    item.dataset.userId = user.id;
    if (state.user && state.user.id === user.id) item.classList.add("active");
    const avatar = el("span", `avatar c${user.id % 7}`, initials(user.first_name));
    const text = el("span", "user-text");
    const name = el("span", "user-name", [user.first_name, user.last_name].filter(Boolean).join(" "));
    if (user.role === "owner") name.append(el("span", "badge", "owner · 店主"));
    text.append(name, el("span", "user-sub", `id ${user.id} · ${user.language_code || "-"}`));
    item.append(avatar, text);
    item.addEventListener("click", () => selectUser(user.id));
    nav.append(item);
  }
}

function selectUser(userId) {
  const user = state.users.find((candidate) => candidate.id === userId) || state.users[0];
  if (!user) return;
  state.user = user;
  state.messages.clear();
  state.paid.clear();
  state.commands = [];
  state.replyKeyboard = null;
  renderReplyKeyboard();
  $("messages").replaceChildren();
  delete $("messages").dataset.user;
  $("as-user").replaceChildren(
    el("span", "as-label", "you are · 当前用户"),
    el("span", "as-name", user.first_name),
  );
  closeCommands();
  renderUsers();
  history.replaceState(null, "", `#user=${user.id}`);
  connect(user);
  $("text").focus();
}

function userFromHash() {
  const match = /user=(\d+)/.exec(location.hash);
  return match ? Number(match[1]) : null;
}

// --- wiring --------------------------------------------------------------------------------------

function wire() {
  $("input-bar").addEventListener("submit", (event) => {
    event.preventDefault();
    const input = $("text");
    const text = input.value;
    if (!text.trim()) return;
    input.value = "";
    closeCommands();
    sendText(text);
  });
  $("text").addEventListener("input", () => {
    const value = $("text").value;
    if (/^\/\S*$/.test(value)) renderCommands(value); else closeCommands();
  });
  $("text").addEventListener("keydown", (event) => {
    if (event.key === "Escape") closeCommands();
  });
  $("menu-button").addEventListener("click", () => {
    if ($("commands").hidden) renderCommands(""); else closeCommands();
  });
  $("start-button").addEventListener("click", () => sendText("/start"));
  $("messages").addEventListener("scroll", () => { state.stickToBottom = nearBottom(); });
  $("alert-ok").addEventListener("click", () => { $("alert").hidden = true; });
  window.addEventListener("hashchange", () => {
    const wanted = userFromHash();
    if (wanted && (!state.user || wanted !== state.user.id)) selectUser(wanted);
  });
}

async function main() {
  wire();
  const data = await api("/api/users");
  state.users = data.users;
  $("bot-name").textContent = data.bot.first_name;
  $("bot-avatar").textContent = initials(data.bot.first_name);
  selectUser(userFromHash() || (state.users[0] && state.users[0].id));
}

main().catch((error) => serviceNote(`Sandbox page failed to start: ${error.message}`, "error"));
