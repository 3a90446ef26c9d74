// The private journal's core, in the member's own browser: keys, sealing and opening, and the
// journal's API. Nothing readable ever leaves this file for the server: only salts, iteration
// counts, wrapped keys, and sealed records (nonce + AES-GCM ciphertext).
//
// The key hierarchy (all WebCrypto; see felt/journal/__init__.py for the whole story):
//
//   journal key   32 random bytes, made once at set-up; never stored or sent unwrapped.
//     ├─ HKDF-SHA-256(info "felt-journal/v1/records") → the AES-GCM-256 key that seals
//     │  every entry and check-in (a fresh random 96-bit nonce for each sealing).
//     └─ HKDF-SHA-256(info "felt-journal/v1/proof")   → 32 bytes whose SHA-256 the server
//        keeps: only an opened journal can change how the journal is opened.
//   The journal key is kept twice, each time sealed with AES-GCM-256 (nonce ‖ ciphertext):
//     - by PBKDF2-SHA-256(passphrase, 16-byte salt, ≥ 600,000 iterations by default);
//     - by HKDF-SHA-256(recovery code, 16-byte salt): the code is 125 random bits already,
//       so stretching it would add nothing.
//   Changing the passphrase re-wraps the same journal key: no entry is sealed again.
//
// Every sealing carries additional data naming what it is and whose: the scheme, the kind
// ("entry", "check-in", "key/passphrase", "key/recovery"), the member's id and the record's
// own id. A blob moved to another row, kind or member fails to open, like a changed one.
(() => {
  "use strict";

  const SCHEME = "felt-journal/v1";
  const NONCE_BYTES = 12;
  const SALT_BYTES = 16;
  const KEY_BYTES = 32;
  // What is sealed is padded with spaces to whole blocks, so a sealed record's size says
  // little about how much was written. JSON ignores the trailing spaces.
  const PADDING_BLOCK = 256;
  // Crockford's base32: no I, L, O or U, so a code read aloud or copied by hand survives.
  const RECOVERY_ALPHABET = "0123456789ABCDEFGHJKMNPQRSTVWXYZ";
  const RECOVERY_SYMBOLS = 25;
  const SHIFTS = ["", "no", "a_little", "clearly"];
  const MEASURES = ["energy", "dread", "effectiveness", "connection"];

  const gettext = window.gettext || ((text) => text);
  const encoder = new TextEncoder();
  const decoder = new TextDecoder("utf-8", { fatal: true });
  const subtle = window.crypto && window.crypto.subtle;

  // A passphrase or recovery code that does not open the journal key.
  class WrongSecret extends Error {}
  // A refusal from the server, or no answer: `message` is one sentence for the member.
  class Problem extends Error {}
  // A sealed record or key that would not open: changed since it was sealed, or moved.
  class Unreadable extends Error {}

  function supported() {
    return Boolean(window.isSecureContext && subtle && window.crypto.randomUUID);
  }

  // -- bytes -------------------------------------------------------------------------------

  function randomBytes(count) {
    const bytes = new Uint8Array(count);
    window.crypto.getRandomValues(bytes);
    return bytes;
  }

  function toBase64(bytes) {
    let text = "";
    for (const byte of bytes) text += String.fromCharCode(byte);
    return window.btoa(text);
  }

  function fromBase64(text) {
    const binary = window.atob(text);
    const bytes = new Uint8Array(binary.length);
    for (let i = 0; i < binary.length; i += 1) bytes[i] = binary.charCodeAt(i);
    return bytes;
  }

  function concat(first, second) {
    const joined = new Uint8Array(first.length + second.length);
    joined.set(first, 0);
    joined.set(second, first.length);
    return joined;
  }

  function pad(bytes) {
    const size = Math.max(1, Math.ceil(bytes.length / PADDING_BLOCK)) * PADDING_BLOCK;
    const padded = new Uint8Array(size).fill(0x20);
    padded.set(bytes, 0);
    return padded;
  }

  // -- recovery codes ----------------------------------------------------------------------

  function newRecoveryCode() {
    // 256 is a multiple of 32, so each symbol is uniform.
    const symbols = Array.from(randomBytes(RECOVERY_SYMBOLS), (byte) => RECOVERY_ALPHABET[byte & 31]);
    const groups = [];
    for (let i = 0; i < symbols.length; i += 5) groups.push(symbols.slice(i, i + 5).join(""));
    return groups.join("-");
  }

  // The code as it was made, from what the member typed: any case, spaces and dashes, and the
  // letters people mistake for digits. Null if it cannot be a recovery code.
  function normaliseRecoveryCode(text) {
    const cleaned = String(text).toUpperCase().replace(/[\s-]/g, "").replace(/O/g, "0").replace(/[IL]/g, "1");
    if (cleaned.length !== RECOVERY_SYMBOLS) return null;
    for (const symbol of cleaned) if (!RECOVERY_ALPHABET.includes(symbol)) return null;
    return cleaned;
  }

  // -- keys --------------------------------------------------------------------------------

  const AES = { name: "AES-GCM", length: 256 };

  async function passphraseKey(passphrase, salt, iterations) {
    const material = await subtle.importKey("raw", encoder.encode(passphrase.normalize("NFC")), "PBKDF2", false, ["deriveKey"]);
    return subtle.deriveKey({ name: "PBKDF2", hash: "SHA-256", salt, iterations }, material, AES, false, ["encrypt", "decrypt"]);
  }

  async function recoveryKey(code, salt) {
    const material = await subtle.importKey("raw", encoder.encode(code), "HKDF", false, ["deriveKey"]);
    const info = encoder.encode(`${SCHEME}/recovery`);
    return subtle.deriveKey({ name: "HKDF", hash: "SHA-256", salt, info }, material, AES, false, ["encrypt", "decrypt"]);
  }

  // What an opened journal holds: the records key (never extractable) and the proof.
  async function openedFrom(journalKey) {
    const material = await subtle.importKey("raw", journalKey, "HKDF", false, ["deriveKey", "deriveBits"]);
    const none = new Uint8Array(0);
    const records = await subtle.deriveKey(
      { name: "HKDF", hash: "SHA-256", salt: none, info: encoder.encode(`${SCHEME}/records`) },
      material, AES, false, ["encrypt", "decrypt"],
    );
    const proof = new Uint8Array(await subtle.deriveBits(
      { name: "HKDF", hash: "SHA-256", salt: none, info: encoder.encode(`${SCHEME}/proof`) },
      material, 256,
    ));
    return { records, proof };
  }

  async function seal(key, plain, context) {
    const nonce = randomBytes(NONCE_BYTES);
    const sealed = await subtle.encrypt({ name: "AES-GCM", iv: nonce, additionalData: encoder.encode(context) }, key, plain);
    return { nonce, sealed: new Uint8Array(sealed) };
  }

  async function unseal(key, nonce, sealed, context) {
    try {
      const plain = await subtle.decrypt({ name: "AES-GCM", iv: nonce, additionalData: encoder.encode(context) }, key, sealed);
      return new Uint8Array(plain);
    } catch (error) {
      // AES-GCM checks its tag before giving anything back: a changed byte, a wrong key or
      // the wrong additional data all end here, and nothing half-decrypted is ever shown.
      throw new Unreadable();
    }
  }

  async function wrapJournalKey(wrappingKey, journalKey, context) {
    const { nonce, sealed } = await seal(wrappingKey, journalKey, context);
    return concat(nonce, sealed);
  }

  async function unwrapJournalKey(wrappingKey, wrapped, context) {
    let journalKey;
    try {
      journalKey = await unseal(wrappingKey, wrapped.slice(0, NONCE_BYTES), wrapped.slice(NONCE_BYTES), context);
    } catch (error) {
      throw new WrongSecret();
    }
    if (journalKey.length !== KEY_BYTES) throw new WrongSecret();
    return journalKey;
  }

  // -- the shapes of what is sealed --------------------------------------------------------

  function cleanText(value, limit) {
    return typeof value === "string" && value.length <= limit ? value : null;
  }

  // An entry as the journal keeps it, or null if `value` is not one.
  function entryShape(value) {
    if (!value || typeof value !== "object" || value.v !== 1) return null;
    const handle = cleanText(value.handle, 200);
    const notes = cleanText(value.notes, 10000);
    const tags = Array.isArray(value.tags) && value.tags.every((tag) => cleanText(tag, 40) !== null) ? value.tags.slice(0, 20) : null;
    if (handle === null || notes === null || tags === null || !SHIFTS.includes(value.shifted) || typeof value.bring_to_next_turn !== "boolean") return null;
    const session = Number.isInteger(value.session) ? value.session : null;
    return { v: 1, handle, shifted: value.shifted, notes, bring_to_next_turn: value.bring_to_next_turn, tags, session };
  }

  function checkInShape(value) {
    if (!value || typeof value !== "object" || value.v !== 1) return null;
    const shaped = { v: 1 };
    for (const measure of MEASURES) {
      const number = value[measure];
      if (!Number.isInteger(number) || number < 0 || number > 10) return null;
      shaped[measure] = number;
    }
    shaped.word = cleanText(value.word, 60);
    return shaped.word === null ? null : shaped;
  }

  const SHAPES = { entry: entryShape, "check-in": checkInShape };

  // What is about to be sealed, in the journal's shape; the pages keep within these limits,
  // so this refuses only what no page would send.
  function shaped(kind, value) {
    const result = SHAPES[kind]({ ...value, v: 1 });
    if (result === null) throw new Problem(gettext("Part of this is longer than your journal keeps; please shorten it."));
    return result;
  }

  // -- the journal, for one member -----------------------------------------------------------

  function client(element) {
    const config = element.dataset;
    const member = config.member;
    const csrf = config.csrf;
    const urls = {
      journal: config.apiJournal,
      passphrase: config.apiPassphrase,
      recovery: config.apiRecovery,
      entries: config.apiEntries,
      checkIns: config.apiCheckIns,
    };
    const keyContext = (which) => `${SCHEME}/key/${which}/${member}`;
    const recordContext = (kind, id) => `${SCHEME}/${kind}/${member}/${id}`;

    let keys = null; // the server's answer: wrapped keys, salts, iterations, choices
    let minimumIterations = 600000;
    let opened = null; // { records, proof } while the journal is open in this page

    async function request(method, url, body) {
      let response;
      try {
        response = await fetch(url, {
          method,
          credentials: "same-origin",
          cache: "no-store",
          headers: body === undefined
            ? { Accept: "application/json", "X-CSRFToken": csrf }
            : { Accept: "application/json", "Content-Type": "application/json", "X-CSRFToken": csrf },
          body: body === undefined ? undefined : JSON.stringify(body),
        });
      } catch (error) {
        throw new Problem(gettext("Felt could not be reached just now, so nothing was changed. Please try again in a moment."));
      }
      let data = null;
      try {
        data = await response.json();
      } catch (error) {
        data = null;
      }
      if (!response.ok) {
        throw new Problem((data && data.error) || gettext("Something went wrong on our side, so nothing was changed. Please try again in a moment."));
      }
      return data;
    }

    async function load() {
      const data = await request("GET", urls.journal);
      keys = data.journal;
      minimumIterations = data.minimum_iterations;
      return keys;
    }

    async function passphraseWrapping(journalKey, passphrase) {
      const salt = randomBytes(SALT_BYTES);
      const iterations = minimumIterations;
      const wrappingKey = await passphraseKey(passphrase, salt, iterations);
      const wrapped = await wrapJournalKey(wrappingKey, journalKey, keyContext("passphrase"));
      return { salt: toBase64(salt), iterations, wrapped_key: toBase64(wrapped) };
    }

    async function recoveryWrapping(journalKey, code) {
      const salt = randomBytes(SALT_BYTES);
      const wrappingKey = await recoveryKey(normaliseRecoveryCode(code), salt);
      const wrapped = await wrapJournalKey(wrappingKey, journalKey, keyContext("recovery"));
      return { salt: toBase64(salt), wrapped_key: toBase64(wrapped) };
    }

    async function journalKeyFromPassphrase(passphrase) {
      const wrapping = keys.passphrase;
      const wrappingKey = await passphraseKey(passphrase, fromBase64(wrapping.salt), wrapping.iterations);
      return unwrapJournalKey(wrappingKey, fromBase64(wrapping.wrapped_key), keyContext("passphrase"));
    }

    async function journalKeyFromRecoveryCode(code) {
      const normalised = normaliseRecoveryCode(code);
      if (normalised === null) throw new WrongSecret();
      const wrapping = keys.recovery;
      const wrappingKey = await recoveryKey(normalised, fromBase64(wrapping.salt));
      return unwrapJournalKey(wrappingKey, fromBase64(wrapping.wrapped_key), keyContext("recovery"));
    }

    async function rewrapPassphrase(journalKey, proof, passphrase) {
      const wrapping = await passphraseWrapping(journalKey, passphrase);
      const data = await request("POST", urls.passphrase, { proof: toBase64(proof), ...wrapping });
      keys = data.journal;
    }

    return {
      get keys() { return keys; },
      get isOpen() { return opened !== null; },
      load,

      // A new journal, prepared but not yet kept: the member first sees the recovery code,
      // and `keep()` stores the wrappings once they say it is safe. Nothing is on the server
      // before then, so closing the page half-way leaves no journal that cannot be opened.
      async prepare(passphrase) {
        await load();
        const journalKey = randomBytes(KEY_BYTES);
        const recoveryCode = newRecoveryCode();
        let candidate;
        let body;
        try {
          candidate = await openedFrom(journalKey);
          body = {
            passphrase: await passphraseWrapping(journalKey, passphrase),
            recovery: await recoveryWrapping(journalKey, recoveryCode),
            proof: toBase64(candidate.proof),
          };
        } finally {
          journalKey.fill(0);
        }
        return {
          recoveryCode,
          async keep() {
            const data = await request("POST", urls.journal, body);
            keys = data.journal;
            opened = candidate;
          },
        };
      },

      async unlock(passphrase) {
        await load();
        if (!keys) throw new Problem(gettext("Your journal is not set up yet."));
        const journalKey = await journalKeyFromPassphrase(passphrase);
        try {
          opened = await openedFrom(journalKey);
          if (keys.passphrase.iterations < minimumIterations) {
            // This server now asks for a slower derivation: re-wrap while we can. If that
            // fails, the journal still opened, and it is tried again next time.
            try {
              await rewrapPassphrase(journalKey, opened.proof, passphrase);
            } catch (error) {
              if (!(error instanceof Problem)) throw error;
            }
          }
        } finally {
          journalKey.fill(0);
        }
      },

      // Open with the recovery code and choose a new passphrase at once.
      async recover(code, newPassphrase) {
        await load();
        if (!keys) throw new Problem(gettext("Your journal is not set up yet."));
        const journalKey = await journalKeyFromRecoveryCode(code);
        try {
          const candidate = await openedFrom(journalKey);
          await rewrapPassphrase(journalKey, candidate.proof, newPassphrase);
          opened = candidate;
        } finally {
          journalKey.fill(0);
        }
      },

      async changePassphrase(current, next) {
        await load();
        const journalKey = await journalKeyFromPassphrase(current);
        try {
          const { proof } = await openedFrom(journalKey);
          await rewrapPassphrase(journalKey, proof, next);
        } finally {
          journalKey.fill(0);
        }
      },

      // A new recovery code, shown before it is kept, like the first one.
      async prepareRecoveryCode(passphrase) {
        await load();
        const journalKey = await journalKeyFromPassphrase(passphrase);
        const recoveryCode = newRecoveryCode();
        let body;
        try {
          const { proof } = await openedFrom(journalKey);
          body = { proof: toBase64(proof), ...(await recoveryWrapping(journalKey, recoveryCode)) };
        } finally {
          journalKey.fill(0);
        }
        return {
          recoveryCode,
          async keep() {
            const data = await request("POST", urls.recovery, body);
            keys = data.journal;
          },
        };
      },

      lock() {
        opened = null;
      },

      async sealRecord(kind, id, value) {
        const plain = pad(encoder.encode(JSON.stringify(value)));
        const { nonce, sealed } = await seal(opened.records, plain, recordContext(kind, id));
        return { nonce: toBase64(nonce), ciphertext: toBase64(sealed) };
      },

      // The record opened: {id, created_at, updated_at, value}; value is null when it would
      // not open or is not what the journal writes, and is then never shown.
      async openRecord(kind, record) {
        let value = null;
        try {
          const plain = await unseal(opened.records, fromBase64(record.nonce), fromBase64(record.ciphertext), recordContext(kind, record.id));
          value = SHAPES[kind](JSON.parse(decoder.decode(plain)));
        } catch (error) {
          value = null;
        }
        return { id: record.id, created_at: record.created_at, updated_at: record.updated_at || record.created_at, value };
      },

      async entries() {
        const data = await request("GET", urls.entries);
        return Promise.all(data.entries.map((record) => this.openRecord("entry", record)));
      },

      async addEntry(value) {
        const id = window.crypto.randomUUID();
        const sealed = await this.sealRecord("entry", id, shaped("entry", value));
        await request("POST", urls.entries, { id, ...sealed });
        return id;
      },

      async replaceEntry(id, value) {
        const sealed = await this.sealRecord("entry", id, shaped("entry", value));
        await request("PUT", `${urls.entries}${id}/`, sealed);
      },

      async deleteEntry(id) {
        await request("DELETE", `${urls.entries}${id}/`);
      },

      async checkIns() {
        const data = await request("GET", urls.checkIns);
        const checkIns = await Promise.all(data.check_ins.map((record) => this.openRecord("check-in", record)));
        return { checkIns, sessions: data.sessions };
      },

      async addCheckIn(value) {
        const id = window.crypto.randomUUID();
        const sealed = await this.sealRecord("check-in", id, shaped("check-in", value));
        await request("POST", urls.checkIns, { id, ...sealed });
        return id;
      },

      async deleteCheckIn(id) {
        await request("DELETE", `${urls.checkIns}${id}/`);
      },
    };
  }

  // Words the member chose for a passphrase: refused here, in the browser, since the server
  // never sees it. Null when it will do.
  function passphraseProblem(passphrase, again) {
    if (passphrase.length < 10) return gettext("Please choose a passphrase of at least 10 characters.");
    if (passphrase !== again) return gettext("The two passphrases are not the same; please type them again.");
    return null;
  }

  window.FeltJournal = {
    supported,
    client,
    passphraseProblem,
    normaliseRecoveryCode,
    WrongSecret,
    Problem,
    MEASURES,
  };
})();
