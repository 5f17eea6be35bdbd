// ticketops board: drag a card to move it (preview first), open a card's panel, live refresh.
(function () {
  "use strict";
  const dialog = () => document.getElementById("dialog");
  const board = () => document.getElementById("board");
  const editable = () => board() && board().dataset.editable === "1";

  function refreshBoard() {
    htmx.ajax("GET", window.location.pathname + window.location.search,
      { target: "#board", select: "#board", swap: "outerHTML" });
  }

  function openDialog() { const d = dialog(); if (!d.open) d.showModal(); }
  function closeDialog() { const d = dialog(); if (d.open) d.close(); }

  // ---- drag and drop -------------------------------------------------------------------
  let dragged = null;
  document.addEventListener("dragstart", (e) => {
    const card = e.target.closest && e.target.closest(".card[draggable=true]");
    if (!card) return;
    dragged = card;
    card.classList.add("dragging");
    e.dataTransfer.effectAllowed = "move";
    e.dataTransfer.setData("text/plain", card.dataset.key);
  });
  document.addEventListener("dragend", () => {
    if (dragged) dragged.classList.remove("dragging");
    document.querySelectorAll(".column.over").forEach((c) => c.classList.remove("over"));
  });
  document.addEventListener("dragover", (e) => {
    const col = e.target.closest && e.target.closest(".column");
    if (!col || !dragged || !editable()) return;
    e.preventDefault();
    document.querySelectorAll(".column.over").forEach((c) => { if (c !== col) c.classList.remove("over"); });
    col.classList.add("over");
  });
  document.addEventListener("drop", (e) => {
    const col = e.target.closest && e.target.closest(".column");
    if (!col || !dragged) return;
    e.preventDefault();
    col.classList.remove("over");
    const card = dragged;
    dragged = null;
    if (card.closest(".column") === col) return;
    document.getElementById("dialog-body").innerHTML = "<p class='muted'>Planning the move…</p>";
    openDialog();
    htmx.ajax("POST", "/move/preview", {
      target: "#dialog-body", swap: "innerHTML",
      values: { key: card.dataset.key, status: col.dataset.status, blob: card.dataset.blob },
    });
  });

  // ---- dialogs, panel, answers ---------------------------------------------------------
  document.addEventListener("click", (e) => {
    if (e.target.closest("[data-close-dialog]")) closeDialog();
    if (e.target.closest("[data-close-panel]")) document.getElementById("panel").hidden = true;
    if (e.target.closest("#log-close")) document.getElementById("log").hidden = true;
    if (e.target.closest("#reconcile")) reconcile();
  });
  document.addEventListener("htmx:afterSwap", (e) => {
    if (e.detail.target.id === "panel") e.detail.target.hidden = false;
  });
  document.addEventListener("htmx:beforeSwap", (e) => {
    const status = e.detail.xhr.status;
    if (status === 409 || status === 422 || status === 400 || status === 403 || status === 500) {
      e.detail.shouldSwap = true;   // show the answer in the dialog, not as a console error
      e.detail.isError = false;
      if (status === 409) refreshBoard();
    }
  });
  document.body.addEventListener("board-changed", refreshBoard);

  // ---- reconcile now: stream the outcome lines -----------------------------------------
  async function reconcile() {
    const log = document.getElementById("log");
    const out = document.getElementById("log-lines");
    out.textContent = "";
    log.hidden = false;
    const button = document.getElementById("reconcile");
    button.disabled = true;
    try {
      const res = await fetch("/reconcile", { method: "POST" });
      const reader = res.body.getReader();
      const decoder = new TextDecoder();
      for (;;) {
        const { value, done } = await reader.read();
        if (done) break;
        out.textContent += decoder.decode(value, { stream: true });
        out.scrollTop = out.scrollHeight;
      }
    } catch (err) {
      out.textContent += "\nstopped: " + err;
    } finally {
      button.disabled = false;
      refreshBoard();
    }
  }

  // ---- live: the server says when files or ADO changed ---------------------------------
  if (window.EventSource) {
    const events = new EventSource("/events");
    events.addEventListener("refresh", () => { if (!dialog().open) refreshBoard(); else pending = true; });
    let pending = false;
    dialog().addEventListener("close", () => { if (pending) { pending = false; refreshBoard(); } });
  }
})();
