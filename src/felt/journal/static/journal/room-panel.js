// The journal's quiet corner of the session room, on the member's own screen only.
// Before their turn it lists the entries they tagged "bring to my next turn"; after their turn
// it offers, once, to keep a private note. It never takes the focus, never covers the room's
// controls and goes away with "Not now". It draws from the room's own state events and asks
// nothing of the room but to be told.
(() => {
  "use strict";

  const panel = document.getElementById("journal-panel");
  if (!panel || !window.FeltJournal || !window.FeltJournal.supported()) return;

  const { FeltJournal } = window;
  const gettext = window.gettext || ((text) => text);
  const $ = (id) => document.getElementById(id);
  const journal = FeltJournal.client(panel);
  const session = Number(panel.dataset.session);
  const other = (who) => (who === "a" ? "b" : "a");

  // Only that the member dismissed or used the offer in this session is remembered, never
  // anything they wrote.
  const flag = (name) => `felt-journal:session-${session}:${name}`;
  const remembered = (name) => window.sessionStorage.getItem(flag(name)) === "done";
  const remember = (name) => window.sessionStorage.setItem(flag(name), "done");

  let keys; // undefined until asked; then null (no journal) or the journal's keys
  let asking = null;
  let moment = null; // "bring" (before my turn), "note" (after it), or null
  let bring = null; // the opened entries tagged to bring, once the journal is open
  let saved = false;
  let ended = false;

  function problem(text) {
    // A live region that is always there: a paragraph with the words, or nothing.
    const region = $("journal-panel-problem");
    if (!text) {
      region.replaceChildren();
      return;
    }
    const paragraph = document.createElement("p");
    paragraph.className = "notice";
    paragraph.textContent = text;
    region.replaceChildren(paragraph);
  }

  function status(text) {
    $("journal-panel-status").textContent = text;
  }

  // Where in the session the member is, as far as the journal cares.
  function momentOf(detail) {
    const { state, you } = detail;
    const phase = state.phase;
    const myTurnDone = state.turns.some((turn) => turn.focuser === you);
    if (!myTurnDone) {
      const next = phase === "between" ? other(state.plan.first_focuser) : state.plan.first_focuser;
      return ["waiting", "arrival", "between"].includes(phase) && next === you ? "bring" : null;
    }
    // While listening to the partner the note waits, with anything already typed in it.
    if (phase === "turn_1" || phase === "turn_2") return null;
    return "note";
  }

  function update(detail) {
    ended = detail.state.phase === "ended";
    const wanted = momentOf(detail);
    moment = wanted && (!remembered(wanted) || (wanted === "note" && saved)) ? wanted : null;
    if (moment && keys === undefined) {
      ask();
      return;
    }
    render();
  }

  async function ask() {
    if (asking) return;
    asking = journal.load().then(
      (found) => { keys = found; },
      () => { /* The room goes on without the journal; the next change asks again. */ },
    );
    await asking;
    asking = null;
    render();
  }

  function render() {
    if (!moment || !keys) {
      panel.hidden = true;
      return;
    }
    const open = journal.isOpen;
    if (moment === "bring") {
      status(open && bring !== null && bring.length === 0 ? gettext("Nothing in your journal is tagged to bring to this turn.") : "");
    } else if (!saved) {
      status("");
    }
    $("journal-panel-title").textContent = moment === "bring"
      ? gettext("For your turn")
      : gettext("A private note, if you like");
    $("journal-panel-unlock-why").textContent = moment === "bring"
      ? gettext("Open your journal to see what you meant to bring to this turn.")
      : gettext("Your journal is locked. Open it to keep a note about your turn, or simply let it be.");
    $("journal-panel-unlock").hidden = open || saved;
    $("journal-panel-bring").hidden = !(moment === "bring" && open);
    $("journal-panel-note").hidden = !(moment === "note" && open && !saved);
    $("journal-panel-check-in").hidden = !(moment === "note" && ended && keys.check_in_due);
    $("journal-panel-dismiss").textContent = saved ? gettext("Close") : gettext("Not now");
    panel.hidden = false;
  }

  async function openBring() {
    const entries = await journal.entries();
    bring = entries.filter((entry) => entry.value && entry.value.bring_to_next_turn).reverse();
    const list = $("journal-panel-bring");
    list.replaceChildren();
    for (const entry of bring) {
      const item = document.createElement("li");
      const handle = document.createElement("strong");
      handle.textContent = entry.value.handle || gettext("An entry without a handle");
      item.append(handle);
      if (entry.value.notes) {
        const notes = document.createElement("p");
        notes.className = "bring-notes";
        notes.textContent = entry.value.notes;
        item.append(notes);
      }
      list.append(item);
    }
  }

  $("journal-panel-unlock").addEventListener("submit", async (event) => {
    event.preventDefault();
    problem("");
    const field = $("journal-panel-passphrase");
    const button = event.target.querySelector("button");
    button.disabled = true;
    try {
      await journal.unlock(field.value);
      event.target.reset();
      keys = journal.keys;
      await openBring();
    } catch (error) {
      if (error instanceof FeltJournal.WrongSecret) {
        problem(gettext("That passphrase does not open your journal. Please check it and try again."));
        field.select();
      } else {
        problem(error instanceof FeltJournal.Problem ? error.message : gettext("Your journal could not be opened just now."));
      }
      return;
    } finally {
      button.disabled = false;
    }
    render();
    const first = moment === "note" ? $("journal-panel-handle") : null;
    if (first) first.focus();
  });

  function shifted() {
    const chosen = document.querySelector('input[name="journal-panel-shifted"]:checked');
    return chosen ? chosen.value : "";
  }

  function clearNote() {
    $("journal-panel-note").reset();
    for (const radio of document.querySelectorAll('input[name="journal-panel-shifted"]')) radio.checked = false;
  }

  $("journal-panel-note").addEventListener("submit", async (event) => {
    event.preventDefault();
    problem("");
    const value = {
      handle: $("journal-panel-handle").value.trim(),
      shifted: shifted(),
      notes: $("journal-panel-notes").value,
      bring_to_next_turn: $("journal-panel-bring-next").checked,
      tags: [],
      session,
    };
    if (!value.handle && !value.notes.trim()) {
      problem(gettext("Please write a handle or a few notes first; nothing was saved."));
      $("journal-panel-handle").focus();
      return;
    }
    const button = event.target.querySelector("button");
    button.disabled = true;
    try {
      await journal.addEntry(value);
    } catch (error) {
      problem(error instanceof FeltJournal.Problem ? error.message : gettext("Your note could not be kept just now; it is still here."));
      return;
    } finally {
      button.disabled = false;
    }
    clearNote();
    saved = true;
    remember("note");
    status(gettext("Kept in your journal, sealed for you alone."));
    render();
    $("journal-panel-dismiss").focus();
  });

  $("journal-panel-dismiss").addEventListener("click", () => {
    if (moment) remember(moment);
    saved = false;
    moment = null;
    clearNote();
    problem("");
    status("");
    panel.hidden = true;
    // The button that had the focus is gone; the room's heading takes it, quietly.
    const heading = document.getElementById("phase-title");
    if (heading) heading.focus({ preventScroll: true });
  });

  document.addEventListener("felt:room-state", (event) => update(event.detail));
  // The room may have drawn its first state before this script ran.
  const room = window.feltRoom;
  if (room && room.snapshot) update({ ...room.snapshot, you: room.you, events: [] });
})();
