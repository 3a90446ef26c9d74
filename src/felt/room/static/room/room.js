// The session room in the browser. It draws what the server says and sends commands; it never
// decides the phase or the time itself: the server's snapshot and clock are the truth.
(() => {
  "use strict";

  const root = document.getElementById("room");
  if (!root) return;

  const you = root.dataset.you;
  const partner = you === "a" ? "b" : "a";
  const names = { a: root.dataset.nameA, b: root.dataset.nameB };
  const $ = (id) => document.getElementById(id);

  const PHASE_TITLES = {
    waiting: "Before you begin",
    arrival: "Arriving",
    turn_1: "First turn",
    between: "A pause between turns",
    turn_2: "Second turn",
    closing: "Closing",
    ended: "The session has ended",
  };
  const SHARED_TEXT = {
    waiting: ["When you are both here", "Look over the plan together. The session begins when you have both said you are ready."],
    arrival: ["Arriving", "Settle in. There is nothing to report and no story you owe each other."],
    between: ["A pause between turns", "Stretch, breathe, come back to yourself. Listening straight after focusing is hard; take what you need."],
    closing: ["Closing", "A moment to thank each other. No summary is needed."],
  };
  const REQUESTS = {
    say_back: "Say that back",
    stay_silent: "Stay silent, just be with me",
    slow_down: "Slow down",
    a_moment: "Give me a moment",
  };
  const MODES = {
    often: "to be said back to often",
    now_and_then: "to be said back to now and then",
    silence: "mostly silence",
  };
  const SIGNALS = {
    chime: "a soft chime",
    visual: "a quiet sign on their screen",
    two_minutes: "a notice two minutes before",
    none: "no signal at all",
  };

  let socket = null;
  let seq = 0;
  let snapshot = null; // {state, derived}
  let clockOffset = 0; // server time minus this browser's time, in seconds
  let retry = 0;
  let chimedFor = null;
  const outbox = new Map(); // command id -> message, until the server says it was applied

  const serverNow = () => Date.now() / 1000 + clockOffset;

  function newId() {
    const bytes = new Uint8Array(12);
    crypto.getRandomValues(bytes);
    return Array.from(bytes, (b) => b.toString(16).padStart(2, "0")).join("");
  }

  function announce(text) {
    const el = $("announcer");
    el.textContent = "";
    window.setTimeout(() => { el.textContent = text; }, 50);
  }

  function showError(text) {
    const el = $("room-error");
    el.textContent = text;
    el.hidden = !text;
  }

  function setConnection(text) {
    $("connection").textContent = text;
  }

  // -- the socket -------------------------------------------------------------------------

  function connect() {
    const scheme = location.protocol === "https:" ? "wss" : "ws";
    socket = new WebSocket(`${scheme}://${location.host}/ws/sessions/${root.dataset.session}/`);
    socket.addEventListener("open", () => {
      retry = 0;
      setConnection("Connected");
    });
    socket.addEventListener("message", (event) => receive(JSON.parse(event.data)));
    socket.addEventListener("close", (event) => {
      socket = null;
      if (event.code === 4401 || event.code === 4403) {
        setConnection("Not connected");
        showError("This room belongs to a session you are not part of, or you are logged out.");
        return;
      }
      setConnection("Reconnecting…");
      const delay = Math.min(5000, 300 * 2 ** retry);
      retry += 1;
      window.setTimeout(connect, delay);
    });
  }

  function send(message) {
    if (socket && socket.readyState === WebSocket.OPEN) {
      socket.send(JSON.stringify(message));
      return true;
    }
    return false;
  }

  function command(kind, args) {
    const message = { type: "command", id: newId(), kind, args: args || {}, seq };
    outbox.set(message.id, message);
    if (!send(message)) {
      showError("Not connected just now; your request will be sent when the connection is back.");
    }
  }

  function receive(message) {
    switch (message.type) {
      case "hello":
        applySnapshot(message, []);
        // Anything sent but not confirmed before the connection dropped goes again with its
        // own id: the server applies each id at most once.
        for (const pending of outbox.values()) send(pending);
        break;
      case "state":
        if (message.seq >= seq) applySnapshot(message, message.events || []);
        break;
      case "applied":
        outbox.delete(message.command_id);
        showError("");
        break;
      case "error":
        if (message.command_id) outbox.delete(message.command_id);
        showError(message.message);
        break;
      case "presence":
        showPresence(message.connected);
        break;
      default:
        // Messages for the room's companions (the call, say) go to whoever listens for them.
        document.dispatchEvent(new CustomEvent("felt:room-message", { detail: message }));
        break;
    }
    if (message.type === "hello") {
      document.dispatchEvent(new CustomEvent("felt:room-connected", { detail: { you } }));
    }
  }

  window.setInterval(() => send({ type: "ping" }), 20000);

  // -- drawing ----------------------------------------------------------------------------

  function applySnapshot(message, events) {
    const before = snapshot ? snapshot.state.phase : null;
    seq = message.seq;
    snapshot = { state: message.state, derived: message.derived };
    clockOffset = message.server_now - Date.now() / 1000;
    root.dataset.seq = String(seq);
    root.dataset.phase = message.state.phase;
    render();
    for (const event of events) narrate(event);
    // Companions of the room (the call, the journal) draw themselves from the same snapshot.
    document.dispatchEvent(new CustomEvent("felt:room-state", {
      detail: { seq, you, names, state: message.state, derived: message.derived, events },
    }));
    if (before && before !== message.state.phase) {
      $("phase-title").focus({ preventScroll: true });
    }
  }

  function narrate(event) {
    const state = snapshot.state;
    switch (event.kind) {
      case "phase_changed":
        announce(PHASE_TITLES[event.phase]);
        break;
      case "request_sent":
        if (event.by !== you) announce(`${names[event.by]} asks: ${REQUESTS[event.request]}.`);
        break;
      case "request_seen":
        if (event.by !== you) announce(`${names[event.by]} has seen your request.`);
        break;
      case "paused":
        announce(`${event.by === you ? "You" : names[event.by]} paused the session.`);
        break;
      case "resumed":
        announce("The session goes on.");
        break;
      case "give_back_accepted":
        announce(`${names[event.to]}'s turn is ${event.minutes} minutes longer this time.`);
        break;
      default:
        break;
    }
    return state;
  }

  function showPresence(connected) {
    const here = connected[partner];
    $("partner-presence").textContent = here
      ? `${names[partner]} is here`
      : `${names[partner]} is not connected`;
    root.dataset.partnerConnected = here ? "yes" : "no";
  }

  function show(id, visible) {
    $(id).hidden = !visible;
  }

  function render() {
    if (!snapshot) return;
    const { state, derived } = snapshot;
    const phase = state.phase;
    const focuser = derived.focuser;
    const inTurn = phase === "turn_1" || phase === "turn_2";
    const paused = state.paused_at !== null;

    $("phase-title").textContent = PHASE_TITLES[phase];
    document.title = `${PHASE_TITLES[phase]} · Felt`;

    show("waiting", phase === "waiting");
    show("shared-phase", phase in SHARED_TEXT);
    show("focuser", inTurn && focuser === you);
    show("listener", inTurn && focuser !== you);
    show("listening", phase !== "ended" && !(inTurn && focuser !== you));
    show("ended", phase === "ended");
    show("room-actions", phase !== "ended");
    show("pause-button", phase !== "waiting" && phase !== "ended" && !paused);
    show("paused-card", paused);
    if (paused) {
      $("paused-text").textContent = `${state.paused_by === you ? "You" : names[state.paused_by]} paused the session. Nothing moves on until one of you resumes.`;
    }

    if (phase === "waiting") renderWaiting(state, derived);
    if (phase in SHARED_TEXT) renderShared(state, phase);
    if (inTurn) renderTurn(state, derived, focuser);
    if (phase === "ended") renderEnded(state);
    renderListeningForm(state);
    tick();
  }

  function renderWaiting(state, derived) {
    const plan = state.plan;
    for (const name of ["length", "arrival", "between", "closing"]) {
      const input = $(`plan-${name}`);
      if (document.activeElement !== input) input.value = plan[name];
    }
    $("plan-turns").textContent = `Each of you has a turn of ${derived.turn_minutes} minutes.`;
    $("first-a").textContent = you === "a" ? "I will" : names.a;
    $("first-b").textContent = you === "b" ? "I will" : names.b;
    $("first-a").setAttribute("aria-pressed", String(plan.first_focuser === "a"));
    $("first-b").setAttribute("aria-pressed", String(plan.first_focuser === "b"));
    $("first-focuser-text").textContent = `${plan.first_focuser === you ? "You focus" : `${names[plan.first_focuser]} focuses`} first.`;

    const offer = derived.give_back_offer;
    show("give-back", Boolean(offer));
    if (offer) {
      const [owedTo, minutes] = offer;
      const agreed = state.give_back_accepted_by;
      let text;
      if (plan.give_back_to) {
        text = `Agreed: ${owedTo === you ? "your" : `${names[owedTo]}'s`} turn is ${minutes} minutes longer this time.`;
      } else {
        text = `${owedTo === you ? `${names[partner]} owes you` : `You owe ${names[owedTo]}`} some time from earlier sessions. Would you both like ${owedTo === you ? "your" : `${names[owedTo]}'s`} turn to be ${minutes} minutes longer this time?`;
        if (agreed.length === 1) text += ` ${agreed[0] === you ? "You have agreed." : `${names[agreed[0]]} has agreed.`}`;
      }
      $("give-back-text").textContent = text;
      $("give-back-accept").hidden = Boolean(plan.give_back_to) || agreed.includes(you);
    }
  }

  function renderShared(state, phase) {
    const [title, text] = SHARED_TEXT[phase];
    $("shared-title").textContent = title;
    $("shared-text").textContent = text;
    const iAmReady = state.ready.includes(you);
    const partnerReady = state.ready.includes(partner);
    $("ready-button").hidden = iAmReady;
    $("ready-button").textContent = phase === "waiting" ? "Ready to begin" : phase === "closing" ? "Ready to end" : "I'm ready";
    $("not-ready-button").hidden = !iAmReady;
    $("ready-text").textContent = iAmReady
      ? `You are ready. ${partnerReady ? "" : `Waiting, without hurry, for ${names[partner]}.`}`
      : partnerReady ? `${names[partner]} is ready when you are.` : "";
  }

  function renderTurn(state, derived, focuser) {
    const wish = state.listening[focuser];
    const turnRequests = state.requests.filter((r) => r.phase === state.phase);
    const latest = turnRequests[turnRequests.length - 1];
    if (focuser === you) {
      $("focuser-title").textContent = "Your turn to focus";
      if (latest) {
        $("request-status").textContent = latest.seen_at
          ? `${names[partner]} has seen: ${REQUESTS[latest.kind]}.`
          : `Sent: ${REQUESTS[latest.kind]}.`;
      } else {
        $("request-status").textContent = "";
      }
    } else {
      $("listener-title").textContent = `You are listening to ${names[focuser]}`;
      $("listener-wish").textContent = `${names[focuser]} would like ${MODES[wish.mode]}, and ${SIGNALS[wish.end_signal]} when the planned time is complete.`;
      const pending = turnRequests.filter((r) => !r.seen_at);
      const request = pending[pending.length - 1];
      show("pending-request", Boolean(request));
      if (request) {
        $("pending-request-text").textContent = `${names[focuser]} asks: ${REQUESTS[request.kind]}`;
        $("acknowledge-button").dataset.requestId = String(request.id);
      }
    }
  }

  function renderEnded(state) {
    const list = $("turn-summary");
    list.replaceChildren();
    for (const turn of state.turns) {
      const li = document.createElement("li");
      const minutes = Math.round(turn.active / state.minute_seconds);
      li.textContent = `${turn.focuser === you ? "You" : names[turn.focuser]} focused for about ${minutes} minute${minutes === 1 ? "" : "s"}.`;
      list.append(li);
    }
  }

  function renderListeningForm(state) {
    const mine = state.listening[you];
    const form = $("listening-form");
    if (document.activeElement !== form.elements.mode) form.elements.mode.value = mine.mode;
    if (document.activeElement !== form.elements.end_signal) form.elements.end_signal.value = mine.end_signal;
  }

  function formatSeconds(total) {
    const s = Math.max(0, Math.round(total));
    const minutes = Math.floor(s / 60);
    const seconds = s % 60;
    return `${minutes}:${String(seconds).padStart(2, "0")}`;
  }

  // The clock: computed from the server's times, so both screens agree.
  function tick() {
    if (!snapshot) return;
    const { state, derived } = snapshot;
    const planned = derived.planned_seconds;
    const timed = state.phase_started_at !== null && planned > 0 && state.phase !== "waiting";
    const inTurn = state.phase === "turn_1" || state.phase === "turn_2";
    const iFocus = inTurn && derived.focuser === you;
    const signal = inTurn ? state.listening[derived.focuser].end_signal : "visual";
    const card = $("clock-card");
    card.hidden = !timed || (iFocus && signal === "none");
    if (card.hidden) return;

    const until = state.paused_at !== null ? state.paused_at : Math.max(serverNow(), state.clock);
    const active = Math.max(0, until - state.phase_started_at - state.phase_paused);
    const remaining = planned - active;
    const clock = $("clock");
    clock.dataset.remainingSeconds = String(Math.round(remaining));
    $("clock-label").textContent = inTurn
      ? iFocus ? "Your planned time" : `${names[derived.focuser]}'s planned time`
      : PHASE_TITLES[state.phase];
    const note = $("clock-note");
    if (remaining > 0) {
      clock.textContent = `${formatSeconds(remaining)} left`;
      note.textContent = iFocus && signal === "two_minutes" && remaining <= 120
        ? "About two minutes of your planned time remain. There is no hurry."
        : "";
      card.classList.remove("complete");
    } else {
      clock.textContent = `${formatSeconds(-remaining)} beyond the plan`;
      card.classList.add("complete");
      if (inTurn) {
        note.textContent = iFocus
          ? "Your planned time is complete. Take what you need and say when you are complete."
          : `The planned time is complete; ${names[derived.focuser]} ends the turn when ready.`;
        if (iFocus && signal === "chime" && chimedFor !== state.phase) {
          chimedFor = state.phase;
          chime();
        }
      } else {
        note.textContent = "Move on whenever you are both ready.";
      }
    }
  }

  function chime() {
    try {
      const audio = new AudioContext();
      const tone = audio.createOscillator();
      const volume = audio.createGain();
      tone.type = "sine";
      tone.frequency.value = 528;
      volume.gain.setValueAtTime(0.0001, audio.currentTime);
      volume.gain.exponentialRampToValueAtTime(0.08, audio.currentTime + 0.3);
      volume.gain.exponentialRampToValueAtTime(0.0001, audio.currentTime + 2.5);
      tone.connect(volume).connect(audio.destination);
      tone.start();
      tone.stop(audio.currentTime + 2.6);
    } catch (error) {
      // No sound available: the quiet sign on the screen is still there.
    }
  }

  window.setInterval(tick, 250);

  // -- acting -----------------------------------------------------------------------------

  document.addEventListener("click", (event) => {
    if (event.defaultPrevented) return;
    const button = event.target.closest("[data-command]");
    if (!button || !root.contains(button)) return;
    const args = {};
    for (const [key, value] of Object.entries(button.dataset)) {
      if (key.startsWith("arg")) args[key.slice(3).toLowerCase()] = value;
    }
    command(button.dataset.command, args);
  });

  $("acknowledge-button").addEventListener("click", () => {
    command("acknowledge", { id: Number($("acknowledge-button").dataset.requestId) });
  });

  document.addEventListener("keydown", (event) => {
    if (event.key !== "k" && event.key !== "K") return;
    if (event.target.closest("input, select, textarea") || event.ctrlKey || event.metaKey || event.altKey) return;
    if (!$("pending-request").hidden && !$("listener").hidden) {
      event.preventDefault();
      $("acknowledge-button").click();
    }
  });

  $("plan-form").addEventListener("submit", (event) => {
    event.preventDefault();
    const args = {};
    for (const name of ["length", "arrival", "between", "closing"]) {
      // By id: a form's elements.length is its number of fields, not the "length" field.
      const value = $(`plan-${name}`).value.trim();
      args[name] = /^\d+$/.test(value) ? Number(value) : value;
    }
    command("set_plan", args);
  });

  $("listening-form").addEventListener("submit", (event) => {
    event.preventDefault();
    const form = event.target;
    command("set_listening", { mode: form.elements.mode.value, end_signal: form.elements.end_signal.value });
  });

  // What the room's companions may use: who I am, and a way to send over the room's socket.
  window.feltRoom = {
    you,
    names,
    session: root.dataset.session,
    send,
    command,
    get snapshot() { return snapshot; },
  };

  connect();
})();
