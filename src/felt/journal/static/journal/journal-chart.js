// The check-in chart: each measure a line over the weeks, sessions marked, drawn as SVG with
// DOM calls (no library, nothing inline, so the page's CSP stays strict). Colours, dashes and
// sizes come from journal.css by class; each measure also has its own marker shape, so the
// lines can be told apart without colour. The page's table carries the same numbers for
// screen readers and for anyone who prefers them.
(() => {
  "use strict";

  const SVG = "http://www.w3.org/2000/svg";
  const DAY = 24 * 60 * 60 * 1000;
  const WEEK = 7 * DAY;
  const MARKER = 4.5;

  function node(name, attributes, parent) {
    const element = document.createElementNS(SVG, name);
    for (const [key, value] of Object.entries(attributes)) element.setAttribute(key, String(value));
    if (parent) parent.append(element);
    return element;
  }

  function titled(element, text) {
    node("title", {}, element).textContent = text;
    return element;
  }

  // Circle, square, triangle, diamond: one shape per measure.
  function marker(shape, x, y, className, parent) {
    const r = MARKER;
    switch (shape) {
      case 0:
        return node("circle", { cx: x, cy: y, r, class: className }, parent);
      case 1:
        return node("rect", { x: x - r, y: y - r, width: 2 * r, height: 2 * r, class: className }, parent);
      case 2:
        return node("path", { d: `M${x} ${y - r - 1}L${x + r + 1} ${y + r}L${x - r - 1} ${y + r}Z`, class: className }, parent);
      default:
        return node("path", { d: `M${x} ${y - r - 1.5}L${x + r + 1.5} ${y}L${x} ${y + r + 1.5}L${x - r - 1.5} ${y}Z`, class: className }, parent);
    }
  }

  // The Monday (UTC) at or before `time`: weeks on the axis begin on Mondays.
  function mondayOnOrBefore(time) {
    const date = new Date(time);
    const sinceMonday = (date.getUTCDay() + 6) % 7;
    return Date.UTC(date.getUTCFullYear(), date.getUTCMonth(), date.getUTCDate() - sinceMonday);
  }

  // Draw into `host` (emptied first). options: points [{id, at: Date, values: {measure: 0..10}}],
  // sessions [Date], measures [{key, label}], formatDay(Date) → text, describedBy (an element id),
  // sessionLabel. Returns the SVG, or null when there is nothing to draw.
  function draw(host, options) {
    host.replaceChildren();
    const points = [...options.points].sort((a, b) => a.at - b.at);
    if (!points.length) return null;

    const width = Math.max(280, Math.round(host.clientWidth || 640));
    const height = width < 480 ? 230 : 290;
    const margin = { top: 14, right: 16, bottom: 42, left: 34 };
    const plotWidth = width - margin.left - margin.right;
    const plotHeight = height - margin.top - margin.bottom;

    let start = points[0].at.getTime();
    let end = points[points.length - 1].at.getTime();
    if (end - start < 2 * WEEK) {
      // A short span is shown as two weeks around it, so a first check-in sits in the middle.
      const middle = (start + end) / 2;
      start = middle - WEEK;
      end = middle + WEEK;
    } else {
      const breathing = (end - start) * 0.04;
      start -= breathing;
      end += breathing;
    }
    const x = (time) => margin.left + ((time - start) / (end - start)) * plotWidth;
    const y = (value) => margin.top + ((10 - value) / 10) * plotHeight;

    const svg = node("svg", {
      viewBox: `0 0 ${width} ${height}`,
      width,
      height,
      class: "chart-svg",
      role: "img",
      "aria-labelledby": options.describedBy,
    });

    // The scale: 0, 5 and 10, lightly ruled.
    for (const value of [0, 5, 10]) {
      node("line", { x1: margin.left, x2: width - margin.right, y1: y(value), y2: y(value), class: "chart-grid" }, svg);
      node("text", { x: margin.left - 8, y: y(value) + 4, "text-anchor": "end", class: "chart-label" }, svg).textContent = String(value);
    }

    // Weeks along the bottom; on a narrow screen, every second or third week.
    const labelRoom = 68;
    const weeksShown = Math.max(1, Math.ceil((end - start) / WEEK));
    const every = Math.max(1, Math.ceil(weeksShown / Math.max(1, Math.floor(plotWidth / labelRoom))));
    for (let week = mondayOnOrBefore(start); week <= end; week += every * WEEK) {
      if (week < start) continue;
      const at = x(week);
      node("line", { x1: at, x2: at, y1: margin.top + plotHeight, y2: margin.top + plotHeight + 6, class: "chart-tick" }, svg);
      node("text", { x: at, y: height - margin.bottom + 22, "text-anchor": "middle", class: "chart-label" }, svg).textContent = options.formatDay(new Date(week));
    }
    node("line", { x1: margin.left, x2: width - margin.right, y1: margin.top + plotHeight, y2: margin.top + plotHeight, class: "chart-axis" }, svg);

    // Sessions: a quiet dotted line at each.
    for (const session of options.sessions) {
      const time = session.getTime();
      if (time < start || time > end) continue;
      titled(
        node("line", { x1: x(time), x2: x(time), y1: margin.top, y2: margin.top + plotHeight, class: "chart-session" }, svg),
        `${options.sessionLabel}: ${options.formatDay(session)}`,
      );
    }

    // One line per measure, then the check-ins themselves on top.
    options.measures.forEach((measure) => {
      if (points.length < 2) return;
      const path = points.map((point) => `${x(point.at.getTime()).toFixed(1)},${y(point.values[measure.key]).toFixed(1)}`).join(" ");
      node("polyline", { points: path, class: `chart-line measure-${measure.key}` }, svg);
    });
    for (const point of points) {
      const group = node("g", { class: "chart-check-in", "data-id": point.id }, svg);
      options.measures.forEach((measure, shape) => {
        const value = point.values[measure.key];
        titled(
          marker(shape, x(point.at.getTime()), y(value), `chart-marker measure-${measure.key}`, group),
          `${measure.label}: ${value} (${options.formatDay(point.at)})`,
        );
      });
    }

    host.append(svg);
    return svg;
  }

  window.FeltJournalChart = { draw };
})();
