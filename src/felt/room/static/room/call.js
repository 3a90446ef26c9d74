// The call: the two partners' voices and faces, browser to browser (WebRTC). Felt's server only
// passes the signalling along the room's socket and never sees the media; nothing is recorded.
//
// Negotiation follows the "perfect negotiation" pattern, so either side may (re)offer at any
// time: "a" is the impolite peer (keeps its own offer when both offer at once), "b" the polite
// one (gives way). Each tab has a random id: after a reload the other side sees a new id and
// starts a fresh connection with the page that came back, ignoring the one that left.
(() => {
  "use strict";

  const root = document.getElementById("room");
  const call = document.getElementById("call");
  if (!root || !call) return;

  const $ = (id) => document.getElementById(id);
  const you = root.dataset.you;
  const partner = you === "a" ? "b" : "a";
  const partnerName = you === "a" ? root.dataset.nameB : root.dataset.nameA;
  const polite = you === "b";
  let peerId = randomId();

  // How long a dropped connection is left to recover by itself before an ICE restart (the
  // impolite side first, so both rarely restart at once), when to call it lost, and how often
  // to keep trying after that.
  const RESTART_AFTER_MS = polite ? 4000 : 2000;
  const LOST_AFTER_MS = 10000;
  const RETRY_EVERY_MS = 10000;

  const WAYS = {
    video: "You meet by video in Felt this time.",
    audio: "You meet by audio only in Felt this time.",
    phone: "You meet by phone this time. The room keeps the turns and the time.",
    in_person: "You meet in person this time. The room keeps the turns and the time.",
  };
  const WAY_CHANGED = {
    video: "by video",
    audio: "by audio only",
    phone: "by phone",
    in_person: "in person",
  };

  let way = null; // the session's way to meet, from the server's state
  let ended = false;
  let generation = 0; // bumped whenever the call starts or stops; stale work checks it
  let active = false; // a call is wanted: the session meets by video or audio and has not ended
  let ready = false; // media tried and ICE servers known: this tab can take part
  let config = null; // {ice_servers, ice_transport_policy}
  let configWaiters = [];
  let local = null; // this tab's MediaStream (microphone, and camera for video)
  let mediaProblem = "";
  let muted = false;
  let cameraOff = false;
  let selfHidden = false;
  let remotePeer = null; // the partner's tab this call is with
  let partnerMedia = { audio: true, video: true };
  let pc = null;
  let makingOffer = false;
  let ignoreOffer = false;
  let connectedOnce = false;
  let troubleSince = null; // when the connection was last seen not connected
  let relayProblem = null; // "refused" or "unreachable", from the ICE candidate errors
  let gatheredCandidates = 0;
  let timers = [];
  let connectionsMade = 0;
  let retries = 0; // attempts since the connection was last good
  let lastOfferAt = 0; // when the partner last offered (a restart of theirs, say)
  let held = false; // "b" keeps its tracks back until the first offer of a connection
  let remoteStream = null;
  let elsewhere = false; // the partner took the call to another tab or window of this member
  const pastIds = new Set(); // this tab's ids before a renewal
  let inbox = Promise.resolve(); // signalling is handled one message at a time, in order

  // When each step of this page's call first happened, in ms since the page began loading.
  const timings = {};
  function mark(step) {
    if (!(step in timings)) timings[step] = Math.round(performance.now());
  }

  function randomId() {
    const bytes = new Uint8Array(12);
    crypto.getRandomValues(bytes);
    return Array.from(bytes, (b) => b.toString(16).padStart(2, "0")).join("");
  }

  function room() {
    return window.feltRoom;
  }

  function send(message) {
    return Boolean(room() && room().send(message));
  }

  function signal(kind, payload, to) {
    return send({ type: "signal", kind, peer: peerId, to: to === undefined ? remotePeer : to, payload: payload || {} });
  }

  function announce(text) {
    const el = $("call-announcer");
    el.textContent = "";
    window.setTimeout(() => { el.textContent = text; }, 50);
  }

  function later(fn, ms) {
    const id = window.setTimeout(() => {
      timers = timers.filter((t) => t !== id);
      fn();
    }, ms);
    timers.push(id);
  }

  function clearTimers() {
    for (const id of timers) window.clearTimeout(id);
    timers = [];
  }

  function note(error) {
    // Not an error for the page: the call says what it can in plain words on the screen.
    console.warn("Felt call:", error && error.name ? `${error.name}: ${error.message}` : error);
  }

  // -- the session's state decides whether there is a call -------------------------------------

  function onState(state) {
    const newWay = (state.plan && state.plan.way_to_meet) || "video";
    const changed = newWay !== way;
    way = newWay;
    ended = state.phase === "ended";
    const wanted = !ended && (way === "video" || way === "audio");
    drawWay();
    if (wanted && !active) {
      startCall();
    } else if (!wanted && active) {
      stopCall();
    } else if (wanted && changed) {
      adaptMedia();
    }
  }

  function narrate(events) {
    for (const event of events || []) {
      if (event.kind === "way_to_meet_changed") {
        const who = event.by === you ? "You" : partnerName;
        const how = WAY_CHANGED[event.way] || event.way;
        announce(event.way === "phone" && event.by !== you
          ? `${partnerName} chose to continue by phone. The turn and the clock go on.`
          : `${who} chose to meet ${how} for this session.`);
      }
    }
  }

  async function startCall() {
    mark("call_start");
    const mine = ++generation;
    active = true;
    ready = false;
    elsewhere = false;
    connectedOnce = false;
    root.classList.add("with-call");
    call.hidden = false;
    draw();
    requestConfig();
    const stream = await openMedia();
    mark("media");
    if (mine !== generation) {
      stopStream(stream); // the call was called off while the browser asked
      return;
    }
    local = stream;
    if (local && way !== "video") {
      // The session turned to audio only while the browser was asking for the camera.
      for (const t of local.getVideoTracks()) {
        local.removeTrack(t);
        t.stop();
      }
    }
    showSelf();
    listDevices();
    await configKnown();
    mark("ice_servers");
    if (mine !== generation) return;
    ready = true;
    signal("hello", {}, null);
    if (remotePeer) createPeer();
    draw();
  }

  function stopCall() {
    generation += 1;
    if (remotePeer) signal("bye", {});
    closePeer();
    stopMedia();
    active = false;
    ready = false;
    elsewhere = false;
    remotePeer = null;
    mediaProblem = "";
    root.classList.remove("with-call");
    call.hidden = true;
    call.dataset.callState = "off";
  }

  // -- ICE servers: asked of the room's socket each time, as TURN credentials are short-lived ---

  function requestConfig() {
    send({ type: "ice_servers" });
  }

  function configKnown() {
    if (config) return Promise.resolve(config);
    return new Promise((resolve) => configWaiters.push(resolve));
  }

  function onConfig(message) {
    config = { ice_servers: message.ice_servers || [], ice_transport_policy: message.ice_transport_policy || "all" };
    if (pc) {
      try {
        pc.setConfiguration({ iceServers: config.ice_servers, iceTransportPolicy: config.ice_transport_policy });
      } catch (error) {
        note(error);
      }
    }
    const waiting = configWaiters;
    configWaiters = [];
    for (const resolve of waiting) resolve(config);
  }

  // -- microphone and camera --------------------------------------------------------------------

  function stored(kind) {
    try {
      return window.localStorage.getItem(`felt.call.${kind}`) || "";
    } catch (error) {
      return "";
    }
  }

  function remember(kind, deviceId) {
    try {
      window.localStorage.setItem(`felt.call.${kind}`, deviceId);
    } catch (error) {
      // Private browsing may refuse storage: the choice then lasts for this page only.
    }
  }

  function audioConstraints(deviceId) {
    const chosen = deviceId || stored("microphone");
    return {
      echoCancellation: true,
      noiseSuppression: true,
      autoGainControl: true,
      ...(chosen ? { deviceId: deviceId ? { exact: chosen } : { ideal: chosen } } : {}),
    };
  }

  function videoConstraints(deviceId) {
    const chosen = deviceId || stored("camera");
    return {
      width: { ideal: 1280 },
      height: { ideal: 720 },
      ...(chosen ? { deviceId: deviceId ? { exact: chosen } : { ideal: chosen } } : {}),
    };
  }

  function describeMediaError(error, what) {
    switch (error && error.name) {
      case "NotAllowedError":
      case "SecurityError":
        return `Felt may not use your ${what}. Please allow it for this site in your browser, then try the call again.`;
      case "NotFoundError":
      case "OverconstrainedError":
        return `No ${what} was found on this device.`;
      case "NotReadableError":
      case "AbortError":
        return `Your ${what} seems to be in use by another program.`;
      default:
        return `Felt could not start your ${what}.`;
    }
  }

  // Asks for the microphone, and the camera for video. Returns the stream (or null), and says
  // in `mediaProblem` what went wrong, in plain words.
  async function openMedia() {
    mediaProblem = "";
    if (!navigator.mediaDevices || !navigator.mediaDevices.getUserMedia) {
      mediaProblem = "This browser cannot use a microphone or camera on this page. Your partner can still be seen and heard.";
      return null;
    }
    const wantVideo = way === "video" && !cameraOff;
    let stream = null;
    try {
      stream = await navigator.mediaDevices.getUserMedia({
        audio: audioConstraints(),
        video: wantVideo ? videoConstraints() : false,
      });
    } catch (error) {
      if (!wantVideo) {
        mediaProblem = describeMediaError(error, "microphone");
        return null;
      }
      // Without a camera the call can still be heard.
      try {
        stream = await navigator.mediaDevices.getUserMedia({ audio: audioConstraints(), video: false });
        mediaProblem = describeMediaError(error, "camera");
      } catch (second) {
        mediaProblem = describeMediaError(second, "microphone and camera");
        return null;
      }
    }
    for (const t of stream.getAudioTracks()) t.enabled = !muted;
    return stream;
  }

  function stopStream(stream) {
    if (stream) for (const t of stream.getTracks()) t.stop();
  }

  async function retryMedia() {
    // After a refused permission, a busy device, or the call moving to another window: ask
    // again, and put what comes into the call.
    const mine = generation;
    const fresh = await openMedia();
    if (fresh && (mine !== generation || !active)) {
      stopStream(fresh);
      return;
    }
    if (fresh) {
      for (const t of fresh.getTracks()) await useTrack(t.kind, t);
      listDevices();
    }
    draw();
  }

  function stopMedia() {
    stopStream(local);
    local = null;
    $("call-self").srcObject = null;
  }

  function track(kind) {
    if (!local) return null;
    return (kind === "audio" ? local.getAudioTracks() : local.getVideoTracks())[0] || null;
  }

  // The sender carrying each kind in the current connection. Kept even while it carries
  // nothing (camera off), so the camera comes back on the same line without renegotiating.
  let senders = { audio: null, video: null };

  async function useTrack(kind, newTrack) {
    // Put a new (or no) track in place of this tab's current one, in the call and self-view.
    const old = track(kind);
    if (!local) local = new MediaStream();
    if (old && old !== newTrack) {
      local.removeTrack(old);
      old.stop();
    }
    if (newTrack && !local.getTracks().includes(newTrack)) local.addTrack(newTrack);
    // While "b" still holds its tracks back they simply wait in `local` for the first offer.
    if (pc && !held) {
      if (senders[kind]) {
        await senders[kind].replaceTrack(newTrack);
      } else if (newTrack) {
        // A new line (audio only becoming video, say); negotiation follows by itself.
        senders[kind] = pc.addTrack(newTrack, local);
      }
    }
    showSelf();
    sendMediaState();
  }

  async function adaptMedia() {
    // Video <-> audio only within one call: the camera goes on or off, the call stays.
    const mine = generation;
    if (way === "audio" && track("video")) {
      await useTrack("video", null);
    } else if (way === "video" && !track("video") && !cameraOff && ready) {
      try {
        const stream = await navigator.mediaDevices.getUserMedia({ video: videoConstraints() });
        if (mine !== generation) {
          for (const t of stream.getTracks()) t.stop();
          return;
        }
        await useTrack("video", stream.getVideoTracks()[0]);
        if (mediaProblem.includes("camera")) mediaProblem = "";
      } catch (error) {
        mediaProblem = describeMediaError(error, "camera");
      }
    }
    sendMediaState();
    draw();
  }

  async function listDevices() {
    if (!navigator.mediaDevices || !navigator.mediaDevices.enumerateDevices) return;
    let devices = [];
    try {
      devices = await navigator.mediaDevices.enumerateDevices();
    } catch (error) {
      return;
    }
    fillChoice($("call-microphone"), devices.filter((d) => d.kind === "audioinput"), track("audio"), "Microphone");
    fillChoice($("call-camera-select"), devices.filter((d) => d.kind === "videoinput"), track("video"), "Camera");
  }

  function fillChoice(select, devices, current, label) {
    const chosen = current && current.getSettings ? current.getSettings().deviceId : "";
    select.replaceChildren();
    devices.forEach((device, index) => {
      const option = document.createElement("option");
      option.value = device.deviceId;
      option.textContent = device.label || `${label} ${index + 1}`;
      option.selected = device.deviceId === chosen;
      select.append(option);
    });
    select.disabled = devices.length < 2;
  }

  async function chooseDevice(kind, deviceId) {
    if (!deviceId || !navigator.mediaDevices) return;
    remember(kind === "audio" ? "microphone" : "camera", deviceId);
    if (kind === "video" && (cameraOff || way !== "video")) return;
    try {
      const stream = await navigator.mediaDevices.getUserMedia(kind === "audio"
        ? { audio: audioConstraints(deviceId) }
        : { video: videoConstraints(deviceId) });
      const fresh = stream.getTracks()[0];
      if (kind === "audio") fresh.enabled = !muted;
      await useTrack(kind, fresh);
      mediaProblem = "";
    } catch (error) {
      mediaProblem = describeMediaError(error, kind === "audio" ? "microphone" : "camera");
    }
    draw();
  }

  function showSelf() {
    const video = $("call-self");
    const camera = track("video");
    const stream = camera ? new MediaStream([camera]) : null;
    video.srcObject = stream;
    if (stream) video.play().catch(() => {});
    draw();
  }

  function sendMediaState() {
    if (!remotePeer) return;
    const camera = track("video");
    signal("media", {
      audio: Boolean(track("audio")) && !muted,
      video: Boolean(camera) && camera.readyState === "live" && way === "video",
    });
  }

  // -- the peer connection ----------------------------------------------------------------------
  //
  // A fresh connection is always offered by "a": "b" holds its microphone and camera back until
  // that first offer has arrived, then answers with them. Two first offers crossing on the way
  // are avoidable, and Chromium can lose its ICE gathering when the polite side rolls one back.
  // After that first exchange either side may offer (camera back on, an ICE restart), and
  // perfect negotiation settles the rare crossing.

  function createPeer() {
    closePeer();
    if (!config) return;
    const peer = new RTCPeerConnection({
      iceServers: config.ice_servers,
      iceTransportPolicy: config.ice_transport_policy,
    });
    pc = peer;
    mark("peer");
    connectionsMade += 1;
    makingOffer = false;
    ignoreOffer = false;
    relayProblem = null;
    gatheredCandidates = 0;
    retries = 0;
    lastOfferAt = 0;
    troubleSince = Date.now();
    senders = { audio: null, video: null };
    remoteStream = new MediaStream();
    held = polite;
    if (!held) attachLocalTracks();

    peer.ontrack = ({ track: incoming }) => {
      if (peer !== pc) return;
      // One stream for whatever the partner sends, whichever way the lines were set up.
      for (const old of remoteStream.getTracks()) {
        if (old.kind === incoming.kind && old !== incoming) remoteStream.removeTrack(old);
      }
      if (!remoteStream.getTracks().includes(incoming)) remoteStream.addTrack(incoming);
      mark(`${incoming.kind}_track`);
      const video = $("call-remote");
      if (video.srcObject !== remoteStream) video.srcObject = remoteStream;
      playRemote();
    };

    peer.onnegotiationneeded = async () => {
      if (held) return;
      try {
        makingOffer = true;
        await peer.setLocalDescription();
        if (peer === pc) signal("offer", { sdp: peer.localDescription.sdp });
        mark("offer_sent");
      } catch (error) {
        note(error);
      } finally {
        makingOffer = false;
      }
    };

    peer.onicecandidate = ({ candidate }) => {
      if (peer !== pc || !candidate) return;
      gatheredCandidates += 1;
      const c = candidate.toJSON();
      signal("candidate", {
        candidate: c.candidate,
        sdpMid: c.sdpMid === undefined ? null : c.sdpMid,
        sdpMLineIndex: c.sdpMLineIndex === undefined ? null : c.sdpMLineIndex,
        usernameFragment: c.usernameFragment === undefined ? null : c.usernameFragment,
      });
    };

    peer.onicecandidateerror = (event) => {
      if (peer !== pc) return;
      // 401: the TURN server refused the credentials; 701: it could not be reached at all.
      if (event.errorCode === 401 || event.errorCode === 403 || event.errorCode === 437) {
        relayProblem = "refused";
      } else if (event.errorCode === 701 && !relayProblem && /^turns?:/.test(event.url || "")) {
        relayProblem = "unreachable";
      }
    };

    peer.onicegatheringstatechange = () => {
      if (peer !== pc || peer.iceGatheringState !== "complete") return;
      // Forced through the relay and no relay address at all: no amount of waiting will help.
      if (config.ice_transport_policy === "relay" && gatheredCandidates === 0 && peer.connectionState !== "connected") {
        troubleSince = Math.min(troubleSince || Date.now(), Date.now() - LOST_AFTER_MS);
        connectionChanged();
      }
    };

    peer.onconnectionstatechange = () => {
      if (peer === pc) connectionChanged();
    };

    sendMediaState();
    watch();
    draw();
  }

  function attachLocalTracks() {
    held = false;
    if (local) {
      for (const t of local.getTracks()) senders[t.kind] = pc.addTrack(t, local);
    }
    if (!polite) {
      // Without a microphone or camera of its own this side still receives its partner's,
      // and opens the lines for them, so there is always something to negotiate.
      if (!senders.audio) pc.addTransceiver("audio", { direction: "recvonly" });
      if (!senders.video && way === "video") pc.addTransceiver("video", { direction: "recvonly" });
    }
  }

  function closePeer() {
    clearTimers();
    senders = { audio: null, video: null };
    if (pc) {
      const old = pc;
      pc = null;
      old.ontrack = null;
      old.onnegotiationneeded = null;
      old.onicecandidate = null;
      old.onicecandidateerror = null;
      old.onicegatheringstatechange = null;
      old.onconnectionstatechange = null;
      old.close();
    }
    $("call-remote").srcObject = null;
    $("call-play").hidden = true;
  }

  function playRemote() {
    const video = $("call-remote");
    const playing = video.play();
    if (playing) {
      playing.then(() => { $("call-play").hidden = true; }).catch((error) => {
        // A browser that will not play sound before a click: offer the click.
        if (error && error.name === "NotAllowedError") $("call-play").hidden = false;
      });
    }
  }

  // An ICE restart: new addresses and checks on the same connection (after a network change,
  // say). The polite side leaves it to "a" unless "a" has been quiet for a while.
  function restart({ force = false } = {}) {
    if (!pc || !remotePeer || held) return;
    if (polite && !force && Date.now() - lastOfferAt < RETRY_EVERY_MS) return;
    requestConfig();
    gatheredCandidates = 0;
    if (pc.signalingState === "have-local-offer" && pc.localDescription) {
      // An offer that may have been lost with the socket: send it again as it is.
      signal("offer", { sdp: pc.localDescription.sdp });
    } else {
      pc.restartIce();
    }
  }

  // A whole new connection, as after a reload: this tab takes a new id, so the partner's tab
  // starts afresh with it too. The last resort when restarts do not bring the call back.
  function renew() {
    pastIds.add(peerId);
    peerId = randomId();
    elsewhere = false;
    closePeer();
    signal("hello", {}, null);
    if (remotePeer) createPeer();
  }

  function connectionChanged() {
    if (!pc) return;
    const state = pc.connectionState;
    if (state === "connected") {
      mark("connected");
      sendMediaState(); // again: one sent while the partner's tab was still setting up is lost
      connectedOnce = true;
      troubleSince = null;
      relayProblem = null;
      retries = 0;
      clearTimers();
    } else if (troubleSince === null) {
      troubleSince = Date.now();
    }
    if (state === "failed") restart();
    watch();
    draw();
  }

  // While not connected: restart ICE after a short wait, say "lost" when it takes too long,
  // then keep trying every so often (every third time with a whole new connection) for as long
  // as the call is wanted.
  function watch() {
    clearTimers();
    if (!pc || troubleSince === null) return;
    const since = Date.now() - troubleSince;
    const peer = pc;
    if (pc.connectionState === "disconnected") {
      later(() => {
        if (peer === pc && pc.connectionState === "disconnected") restart();
      }, Math.max(0, RESTART_AFTER_MS - since));
    }
    if (since < LOST_AFTER_MS) {
      later(() => { if (peer === pc) { draw(); watch(); } }, LOST_AFTER_MS - since);
      return;
    }
    later(() => {
      if (peer !== pc || pc.connectionState === "connected") return;
      retries += 1;
      const quiet = Date.now() - lastOfferAt >= (polite ? 2 : 1) * RETRY_EVERY_MS;
      if (quiet && retries % 3 === 0) {
        renew();
      } else {
        restart();
        watch();
      }
    }, RETRY_EVERY_MS);
  }

  // -- signalling from the partner's tab --------------------------------------------------------

  function onSignal(message) {
    if (message.from !== partner) return;
    if (message.to && message.to !== peerId) {
      // Meant for another tab or window of mine. If my partner's tab greets that one, the call
      // has moved there: this one steps back rather than pull the call to and fro.
      if (message.kind === "hello" && message.peer === remotePeer && !pastIds.has(message.to)) {
        inbox = inbox.then(stepBack).catch(note);
      }
      return;
    }
    if (elsewhere) return;
    inbox = inbox.then(() => handleSignal(message)).catch(note);
  }

  function stepBack() {
    if (elsewhere || !active) return;
    elsewhere = true;
    closePeer();
    remotePeer = null;
    stopMedia(); // the camera's light goes out here; the other window has its own
    announce("The call goes on in your other window.");
    draw();
  }

  async function handleSignal(message) {
    if (!active) return;
    const { kind, payload } = message;
    if (kind === "hello") {
      if (message.peer !== remotePeer) {
        // A new tab of the partner (a first arrival or a reload): a fresh connection with it.
        remotePeer = message.peer;
        partnerMedia = { audio: true, video: true };
        if (ready) createPeer();
      }
      if (message.to === null && ready) signal("hello", {}, message.peer);
      draw();
      return;
    }
    if (kind === "bye") {
      if (message.peer === remotePeer) {
        closePeer();
        remotePeer = null;
        announce(`${partnerName} has left the call.`);
        draw();
      }
      return;
    }
    if (kind === "media") {
      if (message.peer === remotePeer) {
        if (payload.audio !== partnerMedia.audio) {
          announce(payload.audio ? `${partnerName}'s microphone is on.` : `${partnerName} is muted.`);
        }
        partnerMedia = { audio: payload.audio, video: payload.video };
        draw();
      }
      return;
    }
    if (!ready) return;
    if (message.peer !== remotePeer) {
      // An offer from a tab whose hello never came (this socket was down): take it, unless
      // the call is already with another tab (then it is left over from one that is gone).
      if (kind !== "offer" || remotePeer) return;
      remotePeer = message.peer;
      createPeer();
    }
    if (!pc) return;
    if (kind === "offer" || kind === "answer") {
      await describe({ type: kind, sdp: payload.sdp });
    } else if (kind === "candidate") {
      try {
        await pc.addIceCandidate(payload);
      } catch (error) {
        if (!ignoreOffer) note(error);
      }
    }
  }

  async function describe(description) {
    const peer = pc;
    const offer = description.type === "offer";
    const collision = offer && (makingOffer || peer.signalingState !== "stable");
    ignoreOffer = !polite && collision;
    if (ignoreOffer) return;
    if (!offer && peer.signalingState !== "have-local-offer") return; // a stale answer
    if (offer) lastOfferAt = Date.now();
    await peer.setRemoteDescription(description);
    if (offer) {
      // The first offer of a fresh connection: now "b" puts its microphone and camera on the
      // lines "a" opened (addTrack takes them over), and answers with them.
      if (held && peer === pc) attachLocalTracks();
      await peer.setLocalDescription();
      if (peer === pc) signal("answer", { sdp: peer.localDescription.sdp });
    }
  }

  // -- drawing ----------------------------------------------------------------------------------

  function callState() {
    if (!active) return "off";
    if (elsewhere) return "elsewhere";
    if (!ready) return "starting";
    if (!remotePeer) return "waiting";
    if (!pc) return "connecting";
    const state = pc.connectionState;
    if (state === "connected") return "connected";
    const long = troubleSince !== null && Date.now() - troubleSince >= LOST_AFTER_MS;
    if (long) return connectedOnce ? "lost" : "failed";
    if (connectedOnce) return "reconnecting";
    return "connecting";
  }

  function statusText(state) {
    switch (state) {
      case "starting":
        return way === "audio" ? "Starting your microphone…" : "Starting your microphone and camera…";
      case "waiting":
        return `Waiting for ${partnerName} to join the call.`;
      case "elsewhere":
        return "The call goes on in your other window.";
      case "connecting":
        return "Connecting the call…";
      case "connected":
        return way === "audio" ? "Call connected: you can hear each other." : "Call connected.";
      case "reconnecting":
        return "Reconnecting the call…";
      case "lost":
        return "The call's connection is lost. Still trying to reconnect.";
      case "failed":
        if (relayProblem === "refused") {
          return "The call could not connect: the relay server refused it. Please tell whoever runs Felt.";
        }
        if (relayProblem === "unreachable") {
          return "The call could not connect: the relay server could not be reached.";
        }
        return "The call could not connect. Still trying.";
      default:
        return "";
    }
  }

  function remoteNote(state) {
    if (state === "starting" || state === "waiting") return `Waiting for ${partnerName}`;
    if (state === "elsewhere") return "In your other window";
    if (state !== "connected") return partnerName;
    const parts = [];
    if (way === "audio") parts.push(`${partnerName}, by audio only.`);
    else if (!partnerMedia.video) parts.push(`${partnerName}'s camera is off.`);
    if (!partnerMedia.audio) parts.push(`${partnerName} is muted.`);
    return parts.join(" ");
  }

  function draw() {
    const state = callState();
    const text = statusText(state);
    // Written only when it changes, so a screen reader hears each new state once.
    if ($("call-status").textContent !== text) $("call-status").textContent = text;
    call.dataset.callState = state;
    call.dataset.way = way || "";
    const noteText = remoteNote(state);
    $("call-remote-note").textContent = noteText;
    $("call-remote-note").hidden = !noteText;
    // The partner's picture is hidden only when there is none to show (a muted partner is
    // still seen; the note says so over the picture's corner).
    const pictureShown = state === "connected" && way === "video" && partnerMedia.video;
    call.classList.toggle("remote-hidden", !pictureShown);

    $("call-problem").textContent = mediaProblem;
    $("call-problem").hidden = !mediaProblem;
    $("call-lost").hidden = !(state === "lost" || state === "failed");
    $("call-here").hidden = state !== "elsewhere";
    call.querySelector(".call-controls").hidden = state === "elsewhere";

    const hasVideo = way === "video";
    $("call-camera").hidden = !hasVideo;
    $("call-self-view").hidden = !hasVideo;
    $("call-camera-choice").hidden = !hasVideo;
    $("call-mute").setAttribute("aria-pressed", String(muted));
    $("call-mute").disabled = !track("audio");
    $("call-camera").setAttribute("aria-pressed", String(cameraOff));
    $("call-self-view").setAttribute("aria-pressed", String(selfHidden));
    $("call-self-figure").hidden = !hasVideo || selfHidden;
    $("call-self-note").hidden = Boolean(track("video"));
  }

  function drawWay() {
    const section = $("meeting-way");
    section.hidden = ended || !way;
    if (!way) return;
    $("meeting-way-text").textContent = WAYS[way] || "";
    const select = $("meeting-way-select");
    if (document.activeElement !== select) select.value = way;
  }

  // -- acting -----------------------------------------------------------------------------------

  function command(kind, args) {
    if (room()) room().command(kind, args);
  }

  $("call-mute").addEventListener("click", () => {
    muted = !muted;
    for (const t of local ? local.getAudioTracks() : []) t.enabled = !muted;
    sendMediaState();
    announce(muted ? "Your microphone is muted." : "Your microphone is on.");
    draw();
  });

  $("call-camera").addEventListener("click", async () => {
    cameraOff = !cameraOff;
    announce(cameraOff ? "Your camera is off." : "Turning your camera on.");
    if (cameraOff) {
      // Stopped, not just darkened: the camera's light goes out too.
      await useTrack("video", null);
    } else {
      await adaptMedia();
    }
    draw();
  });

  $("call-self-view").addEventListener("click", () => {
    selfHidden = !selfHidden;
    draw();
  });

  $("call-microphone").addEventListener("change", (event) => chooseDevice("audio", event.target.value));
  $("call-camera-select").addEventListener("change", (event) => chooseDevice("video", event.target.value));

  $("call-play").addEventListener("click", playRemote);

  $("call-continue-by-phone").addEventListener("click", () => command("set_way_to_meet", { way: "phone" }));

  async function tryAgain() {
    if (!active) return;
    if (mediaProblem || !local) await retryMedia();
    if (!ready) return;
    // A whole new connection on both sides, as after a reload.
    renew();
    announce("Trying the call again.");
  }

  $("call-retry").addEventListener("click", tryAgain);
  $("call-here").addEventListener("click", tryAgain);

  $("meeting-way-form").addEventListener("submit", (event) => {
    event.preventDefault();
    const chosen = $("meeting-way-select").value;
    if (chosen !== way) command("set_way_to_meet", { way: chosen });
  });

  if (navigator.mediaDevices && navigator.mediaDevices.addEventListener) {
    navigator.mediaDevices.addEventListener("devicechange", () => { if (local) listDevices(); });
  }

  // A changed network (Wi-Fi to mobile, say) keeps the call by finding a new path at once.
  function networkChanged() {
    if (pc && remotePeer) restart({ force: true });
  }
  window.addEventListener("online", networkChanged);
  if (navigator.connection && navigator.connection.addEventListener) {
    navigator.connection.addEventListener("change", networkChanged);
  }

  window.addEventListener("pagehide", () => {
    if (active && remotePeer) signal("bye", {});
  });

  // -- the room's events ------------------------------------------------------------------------

  document.addEventListener("felt:room-state", (event) => {
    onState(event.detail.state);
    narrate(event.detail.events);
  });

  document.addEventListener("felt:room-connected", () => {
    mark("socket");
    if (!active) return;
    requestConfig(); // fresh credentials, and the answer wakes a call still waiting for them
    if (ready && !elsewhere) {
      signal("hello", {}, null);
      if (pc && pc.connectionState !== "connected") restart();
    }
  });

  document.addEventListener("felt:room-message", (event) => {
    const message = event.detail;
    if (message.type === "ice_servers") onConfig(message);
    else if (message.type === "signal") onSignal(message);
  });

  // For diagnosis (and the tests): what the call is doing, without handing out the connection.
  window.feltCall = {
    get state() { return callState(); },
    get timings() { return { ...timings }; },
    async stats() {
      if (!pc) return null;
      const report = await pc.getStats();
      const out = {
        connection: pc.connectionState,
        signaling: pc.signalingState,
        gathering: pc.iceGatheringState,
        candidatesSent: gatheredCandidates,
        lines: pc.getTransceivers().map((t) => `${t.receiver.track.kind}:${t.mid}:${t.direction}:${t.currentDirection}`),
        connections: connectionsMade,
        audioBytesReceived: 0,
        videoBytesReceived: 0,
        localCandidateType: null,
        remoteCandidateType: null,
      };
      let pairId = null;
      report.forEach((entry) => {
        if (entry.type === "inbound-rtp" && (entry.kind === "audio" || entry.kind === "video")) {
          out[`${entry.kind}BytesReceived`] += entry.bytesReceived || 0;
        }
        if (entry.type === "transport" && entry.selectedCandidatePairId) pairId = entry.selectedCandidatePairId;
      });
      const pair = pairId ? report.get(pairId) : null;
      if (pair) {
        const localCandidate = report.get(pair.localCandidateId);
        const remoteCandidate = report.get(pair.remoteCandidateId);
        out.localCandidateType = localCandidate ? localCandidate.candidateType : null;
        out.remoteCandidateType = remoteCandidate ? remoteCandidate.candidateType : null;
      }
      return out;
    },
  };

  // The room may have said hello before this script ran: start from what it already knows.
  if (room() && room().snapshot) onState(room().snapshot.state);
})();
