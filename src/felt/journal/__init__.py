"""The private journal and check-ins: readable by no one but their author.

What a member writes (a journal entry: the handle, whether something shifted, notes, tags; a
check-in: four numbers from 0 to 10 and a word) is sealed in their own browser before it is
sent, with a key the server never has. The server stores and returns sealed bytes; nothing it
keeps, logs or caches can be read by the partner, an operator, or whoever copies the database.

The keys (static/journal/journal-core.js does all of this with WebCrypto):

- The **journal key**: 32 random bytes made in the browser at set-up. Never stored or sent
  as it is. From it, with HKDF-SHA-256, the browser derives the **records key** (AES-GCM,
  256 bits, not extractable) that seals every entry and check-in, and a **proof** (32 bytes):
  the server keeps only its SHA-256, and asks for the proof before it changes how the journal
  is opened, so a borrowed log-in cannot replace the wrapped keys and lock the owner out.
- The journal key is stored **wrapped twice**, each time sealed with AES-GCM-256 under a
  fresh 96-bit nonce (stored as nonce ‖ ciphertext ‖ tag, 60 bytes):
  - by a key from the **passphrase**: PBKDF2-SHA-256 with a random 16-byte salt per member
    and `FELT_JOURNAL_PBKDF2_ITERATIONS` iterations (600,000 by default, OWASP's figure for
    PBKDF2-SHA-256). WebCrypto offers no Argon2 or scrypt, and a hand-written one in
    JavaScript would be slower for the member than for an attacker's GPUs, so PBKDF2 at a
    high count it is. The count is stored per member; a journal wrapped with fewer than the
    server now asks for is re-wrapped the next time its owner opens it.
  - by a key from the **recovery code**: 25 symbols of Crockford base32 (125 random bits)
    shown once at set-up, through HKDF-SHA-256 with its own 16-byte salt. The code is
    already as strong as a key, so slowing its derivation would add nothing.
- **Changing the passphrase** unwraps the journal key with the old passphrase (or the
  recovery code) and wraps the same key with the new one: no entry is sealed again. A new
  recovery code works the same way.

Every sealing carries AES-GCM **additional data** naming what it is and whose:
``felt-journal/v1/<kind>/<member id>/<record uid>`` for entries and check-ins (the uid is
made by the browser before sealing, and is the record's public id), and
``felt-journal/v1/key/<passphrase|recovery>/<member id>`` for the wrapped keys. So a sealed
blob copied to another row, another member or another kind of record fails to open, exactly
like a changed byte: the browser says so in plain words and shows nothing of it. (Putting back
an *older* sealed version of the same record is not detected: the server could hold back an
edit, but never forge or read one.) Before sealing, the browser pads what it seals with spaces
to whole 256-byte blocks, so a record's size says little about how much was written.

What the server stores, all in `models.py`: per member the two salts, the iteration count,
the two wrapped keys, the proof's digest and whether they want a weekly check-in invitation;
per entry or check-in its uid, nonce, sealed bytes, and when it was made (and, for entries,
last changed). Tags, including "bring to my next turn", are inside the seal: the room panel
opens the member's entries in their browser to find them.

Nothing readable reaches the server: the API (views.py) accepts only the sealed fields and
refuses a request with any other field whole; the page's fields that hold words have no
`name`, so no form could submit them; responses are marked not to be cached. Deleting the
whole journal needs the account password (not the passphrase, so someone who lost both
passphrase and recovery code can still start afresh) and removes the rows for real; deleting
the account removes them by cascade.
"""
