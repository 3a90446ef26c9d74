// The journal page: set up, open, write, check in, see it over time, export. Everything the
// member reads here was opened in this page by journal-core.js and lives only in this page:
// locking (or leaving) forgets the key and clears the words from the screen.
(() => {
  "use strict";

  const root = document.getElementById("journal");
  if (!root || !window.FeltJournal) return;

  const { FeltJournal, FeltJournalChart } = window;
  const gettext = window.gettext || ((text) => text);
  const ngettext = window.ngettext || ((one, many, count) => (count === 1 ? one : many));
  const interpolate = window.interpolate || ((format, values) => format.replace(/%\((\w+)\)s/g, (_, key) => values[key]));
  const $ = (id) => document.getElementById(id);

  // Without touch or keys for this long, the journal locks itself.
  const IDLE_LOCK_MS = 15 * 60 * 1000;
  const VIEWS = ["journal-loading", "journal-unsupported", "setup", "recovery-code-card", "unlock", "opened"];
  const MEASURES = [
    { key: "energy", label: gettext("Energy") },
    { key: "dread", label: gettext("Dread before work") },
    { key: "effectiveness", label: gettext("Feeling effective") },
    { key: "connection", label: gettext("Feeling connected") },
  ];
  const SHIFTED = {
    no: gettext("Did something shift? No."),
    a_little: gettext("Did something shift? A little."),
    clearly: gettext("Did something shift? Clearly."),
  };
  const SHIFTED_IN_WORDS = { "": "", no: gettext("no"), a_little: gettext("a little"), clearly: gettext("clearly") };

  const lang = document.documentElement.lang || undefined;
  function formatter(options) {
    try {
      return new Intl.DateTimeFormat(lang, { ...options, timeZone: root.dataset.timeZone });
    } catch (error) {
      return new Intl.DateTimeFormat(lang, options);
    }
  }
  const whenFormat = formatter({ dateStyle: "long", timeStyle: "short" });
  const shortWhenFormat = formatter({ dateStyle: "medium", timeStyle: "short" });
  const dayFormat = formatter({ day: "numeric", month: "short" });
  const longDayFormat = formatter({ dateStyle: "long" });

  const journal = FeltJournal.client(root);
  let entries = []; // opened entries, newest first: {id, created_at, updated_at, value|null}
  let checkIns = []; // opened check-ins, oldest first
  let sessions = []; // Dates of the member's sessions
  let editing = null; // the entry being edited
  let pendingCode = null; // a recovery code shown but not yet kept
  let lastActivity = Date.now();

  // -- saying things -------------------------------------------------------------------------

  // Into a live region that is always there: a paragraph with the words, or nothing.
  function speak(region, className, text) {
    if (!text) {
      region.replaceChildren();
      return;
    }
    const paragraph = document.createElement("p");
    paragraph.className = className;
    paragraph.textContent = text;
    region.replaceChildren(paragraph);
  }

  function say(text) {
    $("journal-problem").replaceChildren();
    speak($("journal-status"), "message", text);
  }

  function problem(text) {
    $("journal-status").replaceChildren();
    speak($("journal-problem"), "notice", text);
  }

  function clearMessages() {
    say("");
    problem("");
  }

  function explain(error) {
    if (error instanceof FeltJournal.Problem) return error.message;
    return gettext("Something went wrong in this page, so nothing was changed. Please reload it and try again.");
  }

  function showView(id, focusId) {
    for (const view of VIEWS) $(view).hidden = view !== id;
    if (focusId) $(focusId).focus();
  }

  // Runs `task` with the form's buttons disabled, so nothing is sent twice.
  async function working(form, task) {
    const buttons = form.querySelectorAll("button");
    for (const button of buttons) button.disabled = true;
    form.setAttribute("aria-busy", "true");
    try {
      return await task();
    } finally {
      for (const button of buttons) button.disabled = false;
      form.removeAttribute("aria-busy");
    }
  }

  // A new entry's two times differ by a hair; a change comes later than that.
  function wasChanged(entry) {
    return Boolean(entry.updated_at) && new Date(entry.updated_at) - new Date(entry.created_at) > 100;
  }

  function when(iso) {
    return whenFormat.format(new Date(iso));
  }

  // -- setting up, opening, locking ----------------------------------------------------------

  async function begin() {
    if (!FeltJournal.supported()) {
      showView("journal-unsupported");
      return;
    }
    try {
      const keys = await journal.load();
      if (keys) {
        showView("unlock");
        $("unlock-passphrase").focus();
      } else {
        showView("setup");
      }
    } catch (error) {
      $("journal-loading").hidden = true;
      problem(explain(error));
    }
  }

  $("setup-form").addEventListener("submit", async (event) => {
    event.preventDefault();
    clearMessages();
    const passphrase = $("setup-passphrase").value;
    const refusal = FeltJournal.passphraseProblem(passphrase, $("setup-passphrase-again").value);
    if (refusal) {
      problem(refusal);
      $("setup-passphrase").focus();
      return;
    }
    await working(event.target, async () => {
      say(gettext("Preparing your journal's keys; this takes a moment…"));
      try {
        pendingCode = await journal.prepare(passphrase);
      } catch (error) {
        problem(explain(error));
        return;
      }
      event.target.reset();
      showRecoveryCode(pendingCode.recoveryCode, { first: true });
    });
  });

  function showRecoveryCode(code, { first }) {
    say("");
    $("recovery-code").textContent = code;
    $("recovery-code-kept").checked = false;
    $("recovery-code-keep").textContent = first ? gettext("Start my journal") : gettext("Keep this new code");
    $("recovery-code-cancel").hidden = first;
    pendingCode.first = first;
    showView("recovery-code-card", "recovery-code-title");
  }

  $("recovery-code-keep").addEventListener("click", async () => {
    clearMessages();
    if (!$("recovery-code-kept").checked) {
      problem(gettext("Please tick the box once your recovery code is kept somewhere safe."));
      $("recovery-code-kept").focus();
      return;
    }
    const card = $("recovery-code-card");
    await working(card, async () => {
      try {
        await pendingCode.keep();
      } catch (error) {
        problem(explain(error));
        return;
      }
      const first = pendingCode.first;
      pendingCode = null;
      $("recovery-code").textContent = "";
      if (first) {
        await showOpened();
        say(gettext("Your journal is ready. Only you can open it."));
      } else {
        showView("opened");
        say(gettext("Your new recovery code is kept; the old one no longer opens your journal."));
        $("keys-title").scrollIntoView();
      }
    });
  });

  $("recovery-code-cancel").addEventListener("click", () => {
    pendingCode = null;
    $("recovery-code").textContent = "";
    showView("opened");
    say(gettext("Nothing changed: your old recovery code still opens your journal."));
  });

  $("unlock-form").addEventListener("submit", async (event) => {
    event.preventDefault();
    clearMessages();
    const field = $("unlock-passphrase");
    await working(event.target, async () => {
      try {
        await journal.unlock(field.value);
      } catch (error) {
        if (error instanceof FeltJournal.WrongSecret) {
          problem(gettext("That passphrase does not open your journal, so nothing has changed. Please check it and try again, or use your recovery code."));
          field.select();
          field.focus();
        } else {
          problem(explain(error));
        }
        return;
      }
      event.target.reset();
      await showOpened();
    });
  });

  $("recover-form").addEventListener("submit", async (event) => {
    event.preventDefault();
    clearMessages();
    const code = $("recover-code").value;
    const passphrase = $("recover-passphrase").value;
    if (FeltJournal.normaliseRecoveryCode(code) === null) {
      problem(gettext("A recovery code has 25 letters and digits, in five groups of five. Please check it and try again."));
      $("recover-code").focus();
      return;
    }
    const refusal = FeltJournal.passphraseProblem(passphrase, $("recover-passphrase-again").value);
    if (refusal) {
      problem(refusal);
      $("recover-passphrase").focus();
      return;
    }
    await working(event.target, async () => {
      try {
        await journal.recover(code, passphrase);
      } catch (error) {
        if (error instanceof FeltJournal.WrongSecret) {
          problem(gettext("That recovery code does not open your journal, so nothing has changed. Please check it and try again."));
          $("recover-code").focus();
        } else {
          problem(explain(error));
        }
        return;
      }
      event.target.reset();
      $("recover").open = false;
      await showOpened();
      say(gettext("Your journal is open, and your new passphrase is set. Your recovery code still works."));
    });
  });

  async function showOpened() {
    lastActivity = Date.now();
    await Promise.all([loadEntries(), loadCheckIns()]);
    $("check-in-invitation").hidden = !(journal.keys && journal.keys.check_in_due);
    $("weekly-check-in").checked = Boolean(journal.keys && journal.keys.weekly_check_in_invitation);
    showView("opened", "write-title");
    // Drawn while hidden, the chart had no width to fit: draw it now it has.
    drawChart();
  }

  function lock(reason) {
    journal.lock();
    entries = [];
    checkIns = [];
    pendingCode = null;
    // The words leave the screen with the key.
    for (const form of root.querySelectorAll("form:not([method])")) form.reset();
    resetEntryForm();
    $("entry-list").replaceChildren();
    $("check-in-table").tBodies[0].replaceChildren();
    $("check-in-chart").replaceChildren();
    $("chart-summary").textContent = "";
    $("recovery-code").textContent = "";
    updateSliderOutputs();
    showView("unlock", "unlock-title");
    say(reason);
  }

  $("lock-button").addEventListener("click", () => lock(gettext("Your journal is locked.")));

  for (const kind of ["keydown", "pointerdown", "input"]) {
    document.addEventListener(kind, () => { lastActivity = Date.now(); }, { passive: true });
  }
  window.setInterval(() => {
    if (journal.isOpen && Date.now() - lastActivity > IDLE_LOCK_MS) {
      lock(gettext("Your journal locked itself after a quiet while. Open it again whenever you like."));
    }
  }, 30000);

  // -- entries -------------------------------------------------------------------------------

  async function loadEntries() {
    try {
      entries = await journal.entries();
    } catch (error) {
      problem(explain(error));
      return;
    }
    renderEntries();
  }

  function tagsOf(value) {
    const tags = value.bring_to_next_turn ? [gettext("bring to my next turn")] : [];
    return tags.concat(value.tags);
  }

  function renderEntries() {
    const list = $("entry-list");
    list.replaceChildren();
    let unreadable = 0;
    for (const entry of entries) {
      if (entry.value === null) {
        unreadable += 1;
        const item = $("entry-unreadable-template").content.firstElementChild.cloneNode(true);
        item.querySelector(".entry-when").textContent = when(entry.created_at);
        const remove = item.querySelector(".entry-delete");
        remove.dataset.id = entry.id;
        remove.setAttribute("aria-label", interpolate(gettext("Delete the entry of %(when)s that could not be opened"), { when: when(entry.created_at) }, true));
        list.append(item);
        continue;
      }
      const value = entry.value;
      const item = $("entry-template").content.firstElementChild.cloneNode(true);
      item.dataset.id = entry.id;
      const handle = value.handle || gettext("An entry without a handle");
      item.querySelector(".entry-handle").textContent = handle;
      let written = interpolate(gettext("Written %(when)s"), { when: when(entry.created_at) }, true);
      if (wasChanged(entry)) {
        written += interpolate(gettext(", changed %(when)s"), { when: when(entry.updated_at) }, true);
      }
      item.querySelector(".entry-when").textContent = written;
      const shifted = item.querySelector(".entry-shifted");
      shifted.textContent = SHIFTED[value.shifted] || "";
      shifted.hidden = !value.shifted;
      const tags = tagsOf(value);
      const tagLine = item.querySelector(".entry-tags");
      tagLine.textContent = tags.length ? interpolate(gettext("Tags: %(tags)s"), { tags: tags.join(", ") }, true) : "";
      tagLine.hidden = !tags.length;
      item.querySelector(".entry-notes").textContent = value.notes;
      for (const button of item.querySelectorAll("button")) {
        button.dataset.id = entry.id;
        const label = button.classList.contains("entry-edit") ? gettext("Edit “%(handle)s”") : gettext("Delete “%(handle)s”");
        button.setAttribute("aria-label", interpolate(label, { handle }, true));
      }
      list.append(item);
    }
    $("entries-empty").hidden = entries.length > 0;
    const notice = $("entries-unreadable");
    notice.hidden = unreadable === 0;
    notice.textContent = interpolate(
      ngettext(
        "%(count)s entry could not be opened: it was changed after it was written, perhaps by someone with access to the stored data. It is not shown, and nothing of it is trusted.",
        "%(count)s entries could not be opened: they were changed after they were written, perhaps by someone with access to the stored data. They are not shown, and nothing of them is trusted.",
        unreadable,
      ),
      { count: unreadable },
      true,
    );
  }

  function splitTags(text) {
    const seen = new Set();
    const tags = [];
    for (const raw of text.split(",")) {
      const tag = raw.trim().slice(0, 40);
      if (tag && !seen.has(tag.toLowerCase())) {
        seen.add(tag.toLowerCase());
        tags.push(tag);
      }
    }
    return tags.slice(0, 20);
  }

  function shiftedChoice() {
    const chosen = document.querySelector('input[name="entry-shifted"]:checked');
    return chosen ? chosen.value : "";
  }

  function resetEntryForm() {
    $("entry-form").reset();
    for (const radio of document.querySelectorAll('input[name="entry-shifted"]')) radio.checked = false;
    editing = null;
    $("write-title").textContent = gettext("Write an entry");
    $("entry-save").textContent = gettext("Save the entry");
    $("entry-cancel").hidden = true;
  }

  $("entry-form").addEventListener("submit", async (event) => {
    event.preventDefault();
    clearMessages();
    const value = {
      handle: $("entry-handle").value.trim(),
      shifted: shiftedChoice(),
      notes: $("entry-notes").value,
      bring_to_next_turn: $("entry-bring").checked,
      tags: splitTags($("entry-tags").value),
      session: editing && editing.value ? editing.value.session : null,
    };
    if (!value.handle && !value.notes.trim()) {
      problem(gettext("Please write a handle or a few notes first; nothing was saved."));
      $("entry-handle").focus();
      return;
    }
    await working(event.target, async () => {
      try {
        if (editing) {
          await journal.replaceEntry(editing.id, value);
        } else {
          await journal.addEntry(value);
        }
      } catch (error) {
        problem(explain(error));
        return;
      }
      const changed = Boolean(editing);
      resetEntryForm();
      await loadEntries();
      say(changed ? gettext("Your entry is changed and sealed again.") : gettext("Your entry is saved, sealed so that only you can read it."));
    });
  });

  $("entry-cancel").addEventListener("click", () => {
    resetEntryForm();
    clearMessages();
  });

  $("entry-list").addEventListener("click", async (event) => {
    const button = event.target.closest("button[data-id]");
    if (!button) return;
    const entry = entries.find((candidate) => candidate.id === button.dataset.id);
    if (!entry) return;
    clearMessages();
    if (button.classList.contains("entry-edit")) {
      startEditing(entry);
      return;
    }
    if (!window.confirm(gettext("Delete this entry? It cannot be brought back."))) return;
    try {
      await journal.deleteEntry(entry.id);
    } catch (error) {
      problem(explain(error));
      return;
    }
    if (editing && editing.id === entry.id) resetEntryForm();
    await loadEntries();
    say(gettext("The entry is deleted."));
    $("entries-title").focus();
  });

  function startEditing(entry) {
    const value = entry.value;
    editing = entry;
    $("entry-handle").value = value.handle;
    for (const radio of document.querySelectorAll('input[name="entry-shifted"]')) radio.checked = radio.value === value.shifted;
    $("entry-notes").value = value.notes;
    $("entry-bring").checked = value.bring_to_next_turn;
    $("entry-tags").value = value.tags.join(", ");
    $("write-title").textContent = gettext("Change the entry");
    $("entry-save").textContent = gettext("Save the changes");
    $("entry-cancel").hidden = false;
    $("write-title").focus();
  }

  // -- check-ins and the chart -----------------------------------------------------------------

  function updateSliderOutputs() {
    for (const measure of MEASURES) {
      $(`check-in-${measure.key}-value`).textContent = $(`check-in-${measure.key}`).value;
    }
  }

  $("check-in-form").addEventListener("input", updateSliderOutputs);
  $("check-in-form").addEventListener("reset", () => window.setTimeout(updateSliderOutputs, 0));

  async function loadCheckIns() {
    try {
      const found = await journal.checkIns();
      checkIns = found.checkIns;
      sessions = found.sessions.map((iso) => new Date(iso));
    } catch (error) {
      problem(explain(error));
      return;
    }
    renderCheckIns();
  }

  function readableCheckIns() {
    return checkIns.filter((checkIn) => checkIn.value !== null);
  }

  function renderCheckIns() {
    const readable = readableCheckIns();
    const unreadable = checkIns.length - readable.length;
    const notice = $("check-ins-unreadable");
    notice.hidden = unreadable === 0;
    notice.textContent = interpolate(
      ngettext(
        "%(count)s check-in could not be opened: it was changed after it was saved, so it is left out.",
        "%(count)s check-ins could not be opened: they were changed after they were saved, so they are left out.",
        unreadable,
      ),
      { count: unreadable },
      true,
    );

    const body = $("check-in-table").tBodies[0];
    body.replaceChildren();
    for (const checkIn of readable) {
      const row = document.createElement("tr");
      const whenCell = document.createElement("th");
      whenCell.scope = "row";
      whenCell.textContent = shortWhenFormat.format(new Date(checkIn.created_at));
      row.append(whenCell);
      for (const measure of MEASURES) {
        const cell = document.createElement("td");
        cell.textContent = String(checkIn.value[measure.key]);
        row.append(cell);
      }
      const word = document.createElement("td");
      word.textContent = checkIn.value.word;
      row.append(word);
      const actions = document.createElement("td");
      const remove = document.createElement("button");
      remove.type = "button";
      remove.className = "link";
      remove.dataset.id = checkIn.id;
      remove.textContent = gettext("Remove");
      remove.setAttribute("aria-label", interpolate(gettext("Remove the check-in of %(when)s"), { when: whenCell.textContent }, true));
      actions.append(remove);
      row.append(actions);
      body.append(row);
    }

    const summary = $("chart-summary");
    if (!readable.length) {
      summary.textContent = gettext("No check-ins yet. Each one you make appears here as points on four lines, with your sessions marked.");
    } else {
      const first = new Date(readable[0].created_at);
      const last = new Date(readable[readable.length - 1].created_at);
      summary.textContent = interpolate(
        ngettext(
          "Your %(count)s check-in, on %(first)s: energy, dread before work, feeling effective and feeling connected, from 0 to 10, with your sessions marked. The same numbers are in the table below.",
          "Your %(count)s check-ins, from %(first)s to %(last)s: energy, dread before work, feeling effective and feeling connected, from 0 to 10, one line each, with your sessions marked. The same numbers are in the table below.",
          readable.length,
        ),
        { count: readable.length, first: longDayFormat.format(first), last: longDayFormat.format(last) },
        true,
      );
    }
    $("chart-legend").hidden = readable.length === 0;
    drawChart();
  }

  function drawChart() {
    FeltJournalChart.draw($("check-in-chart"), {
      points: readableCheckIns().map((checkIn) => ({ id: checkIn.id, at: new Date(checkIn.created_at), values: checkIn.value })),
      sessions,
      measures: MEASURES,
      formatDay: (date) => dayFormat.format(date),
      describedBy: "chart-summary",
      sessionLabel: gettext("A session"),
    });
  }

  let drawnWidth = 0;
  new ResizeObserver(() => {
    const width = $("check-in-chart").clientWidth;
    if (journal.isOpen && width && Math.abs(width - drawnWidth) > 8) {
      drawnWidth = width;
      drawChart();
    }
  }).observe($("check-in-chart"));

  $("check-in-form").addEventListener("submit", async (event) => {
    event.preventDefault();
    clearMessages();
    const value = { word: $("check-in-word").value.trim() };
    for (const measure of MEASURES) value[measure.key] = Number($(`check-in-${measure.key}`).value);
    await working(event.target, async () => {
      try {
        await journal.addCheckIn(value);
      } catch (error) {
        problem(explain(error));
        return;
      }
      event.target.reset();
      await loadCheckIns();
      $("check-in-invitation").hidden = true;
      say(gettext("Your check-in is saved. Thank you for taking a moment for yourself."));
    });
  });

  $("check-in-table").addEventListener("click", async (event) => {
    const button = event.target.closest("button[data-id]");
    if (!button) return;
    clearMessages();
    if (!window.confirm(gettext("Remove this check-in? It cannot be brought back."))) return;
    try {
      await journal.deleteCheckIn(button.dataset.id);
    } catch (error) {
      problem(explain(error));
      return;
    }
    await loadCheckIns();
    say(gettext("The check-in is removed."));
  });

  // -- passphrase and recovery code ----------------------------------------------------------

  $("passphrase-form").addEventListener("submit", async (event) => {
    event.preventDefault();
    clearMessages();
    const next = $("passphrase-new").value;
    const refusal = FeltJournal.passphraseProblem(next, $("passphrase-new-again").value);
    if (refusal) {
      problem(refusal);
      $("passphrase-new").focus();
      return;
    }
    await working(event.target, async () => {
      try {
        await journal.changePassphrase($("passphrase-current").value, next);
      } catch (error) {
        if (error instanceof FeltJournal.WrongSecret) {
          problem(gettext("Your passphrase now is not the one you typed, so nothing has changed. Please try again."));
          $("passphrase-current").focus();
        } else {
          problem(explain(error));
        }
        return;
      }
      event.target.reset();
      say(gettext("Your new passphrase is set. Your entries did not need to change."));
    });
  });

  $("new-recovery-form").addEventListener("submit", async (event) => {
    event.preventDefault();
    clearMessages();
    await working(event.target, async () => {
      try {
        pendingCode = await journal.prepareRecoveryCode($("new-recovery-passphrase").value);
      } catch (error) {
        if (error instanceof FeltJournal.WrongSecret) {
          problem(gettext("That passphrase does not open your journal, so nothing has changed. Please try again."));
          $("new-recovery-passphrase").focus();
        } else {
          problem(explain(error));
        }
        return;
      }
      event.target.reset();
      showRecoveryCode(pendingCode.recoveryCode, { first: false });
    });
  });

  // -- export ------------------------------------------------------------------------------------

  function download(name, type, text) {
    const url = URL.createObjectURL(new Blob([text], { type }));
    const link = document.createElement("a");
    link.href = url;
    link.download = name;
    link.hidden = true;
    document.body.append(link);
    link.click();
    link.remove();
    window.setTimeout(() => URL.revokeObjectURL(url), 60000);
  }

  function exportData() {
    const readableEntries = entries.filter((entry) => entry.value !== null).reverse();
    const unreadable = entries.filter((entry) => entry.value === null).map((entry) => ({ kind: "entry", id: entry.id, created_at: entry.created_at }))
      .concat(checkIns.filter((checkIn) => checkIn.value === null).map((checkIn) => ({ kind: "check-in", id: checkIn.id, created_at: checkIn.created_at })));
    return {
      format: "felt-journal",
      version: 1,
      exported_at: new Date().toISOString(),
      entries: readableEntries.map((entry) => ({
        id: entry.id,
        created_at: entry.created_at,
        updated_at: entry.updated_at,
        handle: entry.value.handle,
        shifted: entry.value.shifted || null,
        notes: entry.value.notes,
        bring_to_next_turn: entry.value.bring_to_next_turn,
        tags: entry.value.tags,
        // The session it was written after, when it was written in the room.
        session: entry.value.session,
      })),
      check_ins: readableCheckIns().map((checkIn) => ({
        id: checkIn.id,
        created_at: checkIn.created_at,
        energy: checkIn.value.energy,
        dread: checkIn.value.dread,
        effectiveness: checkIn.value.effectiveness,
        connection: checkIn.value.connection,
        word: checkIn.value.word,
      })),
      could_not_be_opened: unreadable,
    };
  }

  function cell(text) {
    return String(text).replace(/\\/g, "\\\\").replace(/\|/g, "\\|").replace(/\r?\n/g, " ");
  }

  function markdown(data) {
    const lines = [`# ${gettext("My Felt journal")}`, ""];
    lines.push(interpolate(gettext("Exported on %(when)s, opened in my browser. This file is not sealed."), { when: when(data.exported_at) }, true), "");
    lines.push(`## ${gettext("Entries")}`, "");
    if (!data.entries.length) lines.push(gettext("No entries."), "");
    for (const entry of data.entries) {
      lines.push(`### ${entry.handle || gettext("An entry without a handle")}`, "");
      let written = interpolate(gettext("Written %(when)s"), { when: when(entry.created_at) }, true);
      if (wasChanged(entry)) {
        written += interpolate(gettext(", changed %(when)s"), { when: when(entry.updated_at) }, true);
      }
      lines.push(`*${written}*`, "");
      if (entry.shifted) lines.push(`- ${gettext("Did something shift?")} ${SHIFTED_IN_WORDS[entry.shifted]}`);
      const tags = tagsOf(entry);
      if (tags.length) lines.push(`- ${gettext("Tags:")} ${tags.join(", ")}`);
      if (entry.shifted || tags.length) lines.push("");
      if (entry.notes) lines.push(entry.notes, "");
    }
    lines.push(`## ${gettext("Check-ins")}`, "");
    if (!data.check_ins.length) {
      lines.push(gettext("No check-ins."), "");
    } else {
      const heads = [gettext("When")].concat(MEASURES.map((measure) => measure.label), [gettext("Word")]);
      lines.push(`| ${heads.map(cell).join(" | ")} |`, `|${heads.map(() => " --- ").join("|")}|`);
      for (const checkIn of data.check_ins) {
        const row = [when(checkIn.created_at)].concat(MEASURES.map((measure) => checkIn[measure.key]), [checkIn.word]);
        lines.push(`| ${row.map(cell).join(" | ")} |`);
      }
      lines.push("");
    }
    if (data.could_not_be_opened.length) {
      lines.push(interpolate(
        ngettext("%(count)s record could not be opened and is left out.", "%(count)s records could not be opened and are left out.", data.could_not_be_opened.length),
        { count: data.could_not_be_opened.length },
        true,
      ), "");
    }
    return lines.join("\n");
  }

  async function exportAs(kind) {
    clearMessages();
    // Fresh from the server, so the file holds everything there is now.
    await Promise.all([loadEntries(), loadCheckIns()]);
    const data = exportData();
    const day = new Date().toISOString().slice(0, 10);
    if (kind === "json") {
      download(`felt-journal-${day}.json`, "application/json", `${JSON.stringify(data, null, 2)}\n`);
    } else {
      download(`felt-journal-${day}.md`, "text/markdown", markdown(data));
    }
    say(gettext("Your journal is downloaded. The file is not sealed: please keep it somewhere private."));
  }

  $("export-markdown").addEventListener("click", () => exportAs("markdown"));
  $("export-json").addEventListener("click", () => exportAs("json"));

  begin();
})();
