// The week grid of the directory profile, made easy to mark.
//
// Without this script the grid is 336 checkboxes in a form, and that works. With it, each
// half hour becomes a toggle button (aria-pressed) inside the same table: one tab stop for
// the whole grid, the arrow keys move (Shift carries the mark along), Space or Enter marks
// or clears, a mouse can drag over several half hours, a finger taps one at a time. The
// checkboxes stay, hidden, and are what the form sends. No inline script anywhere (the CSP).
(() => {
  "use strict";

  const table = document.querySelector("table.week-grid");
  if (!table) {
    return;
  }
  const summary = document.getElementById("grid-summary");
  const grid = Array.from(table.tBodies[0].rows).map((row, rowIndex) =>
    Array.from(row.querySelectorAll("td")).map((cell, dayIndex) => {
      const box = cell.querySelector("input[type=checkbox]");
      const button = document.createElement("button");
      button.type = "button";
      button.className = "slot-toggle";
      button.setAttribute("aria-label", cell.querySelector(".visually-hidden").textContent);
      button.setAttribute("aria-pressed", String(box.checked));
      button.tabIndex = -1;
      button.dataset.row = String(rowIndex);
      button.dataset.day = String(dayIndex);
      cell.appendChild(button);
      return { box, button };
    }),
  );
  table.classList.add("enhanced");

  const rowCount = grid.length;
  const dayCount = grid[0].length;

  function at(button) {
    return [Number(button.dataset.row), Number(button.dataset.day)];
  }

  function set(slot, marked) {
    slot.box.checked = marked;
    slot.button.setAttribute("aria-pressed", String(marked));
  }

  function tell() {
    if (!summary) {
      return;
    }
    let halfHours = 0;
    for (const row of grid) {
      for (const slot of row) {
        halfHours += slot.box.checked ? 1 : 0;
      }
    }
    const hours = (halfHours / 2).toLocaleString(document.documentElement.lang || undefined);
    summary.textContent = (summary.dataset.sentence || "").replace("%(hours)s", hours);
  }

  // One tab stop: the first marked half hour, or Monday 09:00.
  let current = null;
  function focusOn(slot, move) {
    if (current) {
      current.button.tabIndex = -1;
    }
    current = slot;
    current.button.tabIndex = 0;
    if (move) {
      current.button.focus();
    }
  }
  const firstMarked = grid.flat().find((slot) => slot.box.checked);
  focusOn(firstMarked || grid[Math.min(18, rowCount - 1)][0], false);

  const moves = {
    ArrowUp: ([row, day]) => [row - 1, day],
    ArrowDown: ([row, day]) => [row + 1, day],
    ArrowLeft: ([row, day]) => [row, day - 1],
    ArrowRight: ([row, day]) => [row, day + 1],
    PageUp: ([row, day]) => [row - 8, day],
    PageDown: ([row, day]) => [row + 8, day],
    Home: ([row, day], control) => (control ? [0, day] : [row, 0]),
    End: ([row, day], control) => (control ? [rowCount - 1, day] : [row, dayCount - 1]),
  };

  table.addEventListener("keydown", (event) => {
    const button = event.target.closest(".slot-toggle");
    const move = moves[event.key];
    if (!button || !move) {
      return;
    }
    event.preventDefault();
    const [row, day] = move(at(button), event.ctrlKey || event.metaKey);
    const target = grid[Math.max(0, Math.min(rowCount - 1, row))][Math.max(0, Math.min(dayCount - 1, day))];
    if (event.shiftKey) {
      set(target, grid[at(button)[0]][at(button)[1]].box.checked);
      tell();
    }
    focusOn(target, true);
  });

  // A mouse marks on press and paints while dragged; the click that follows is its own.
  let painting = null;
  let pressedByMouse = false;
  table.addEventListener("pointerdown", (event) => {
    const button = event.target.closest(".slot-toggle");
    if (!button || event.pointerType !== "mouse" || event.button !== 0) {
      return;
    }
    const [row, day] = at(button);
    painting = !grid[row][day].box.checked;
    pressedByMouse = true;
    set(grid[row][day], painting);
    focusOn(grid[row][day], true);
    tell();
    event.preventDefault();
  });
  table.addEventListener("pointerover", (event) => {
    const button = event.target.closest(".slot-toggle");
    if (!button || painting === null) {
      return;
    }
    const [row, day] = at(button);
    set(grid[row][day], painting);
    tell();
  });
  document.addEventListener("pointerup", () => {
    painting = null;
  });

  // Keyboard (Space, Enter) and touch arrive as a click.
  table.addEventListener("click", (event) => {
    const button = event.target.closest(".slot-toggle");
    if (!button) {
      return;
    }
    if (pressedByMouse) {
      pressedByMouse = false;
      return;
    }
    const [row, day] = at(button);
    const slot = grid[row][day];
    set(slot, !slot.box.checked);
    focusOn(slot, false);
    tell();
  });

  tell();
})();
