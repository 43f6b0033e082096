// The class dashboard: the report's grid, drawn again whenever the server says it changed.
"use strict";

const SYMBOLS = { verified: "✓", solved: "S", confirmed: "C", skipped: "»", failed: "✗", pending: "·" };
let token = new URLSearchParams(location.hash.slice(1)).get("token") || sessionStorage.getItem("labrun-token");

function element(tag, attributes, ...children) {
  const node = document.createElement(tag);
  for (const [name, value] of Object.entries(attributes || {})) node.setAttribute(name, value);
  for (const child of children) node.append(child);
  return node;
}

function duration(seconds) {
  if (seconds === null || seconds === undefined) return "-";
  if (seconds < 60) return seconds + "s";
  if (seconds < 3600) return Math.floor(seconds / 60) + "m " + String(seconds % 60).padStart(2, "0") + "s";
  return Math.floor(seconds / 3600) + "h " + String(Math.floor(seconds % 3600 / 60)).padStart(2, "0") + "m";
}

function status(text, offline) {
  const node = document.getElementById("status");
  node.textContent = text;
  node.className = offline ? "offline" : "";
}

function draw(report) {
  const main = document.getElementById("lessons");
  main.replaceChildren();
  // How many times the page has drawn the class (tools and tests read it).
  main.dataset.draws = String(Number(main.dataset.draws || 0) + 1);
  if (report.lessons.length === 0) {
    main.append(element("p", {}, "No progress yet: learners appear here as they start."));
  }
  for (const lesson of report.lessons) {
    const rows = report.learners.filter((row) => row.lesson === lesson.id);
    const complete = rows.filter((row) => row.complete).length;
    main.append(element("h2", {}, `${lesson.title} — ${complete} of ${rows.length} complete`));
    const head = element("tr", {}, element("th", { scope: "col" }, "Learner"));
    lesson.steps.forEach((step, index) => head.append(element("th", { scope: "col", title: step }, String(index + 1))));
    head.append(element("th", { scope: "col" }, "Active"), element("th", { scope: "col" }, "Log"));
    const body = element("tbody");
    for (const row of rows) {
      const doubtful = row.integrity === "broken" || row.lesson_matches === false;
      const name = element("th", { scope: "row" }, row.learner);
      if (doubtful) name.append(" ", element("span", { class: "doubt", title: row.broken_at || "another version of the lesson" }, "!"));
      const tr = element("tr", { "data-learner": row.learner }, name);
      for (const step of lesson.steps) {
        const value = row.steps[step] || "pending";
        tr.append(element("td", { class: "cell", "data-step": step, "data-status": value, title: `${step}: ${value}` }, SYMBOLS[value] || "?"));
      }
      tr.append(element("td", { class: "num" }, duration(row.active_seconds)),
                element("td", { "data-evidence": row.evidence }, `${row.integrity}, ${row.evidence}`));
      body.append(tr);
    }
    main.append(element("div", { class: "scroll" }, element("table", { class: "grid", "data-lesson": lesson.id }, element("thead", {}, head), body)));
    const steps = report.steps.filter((stats) => stats.lesson === lesson.id);
    const figures = element("tbody");
    steps.forEach((stats, index) => figures.append(element("tr", { "data-step": stats.step },
      element("td", { class: "num" }, String(index + 1)), element("th", { scope: "row" }, stats.step),
      element("td", { class: "num" }, `${stats.completed}/${stats.learners}`),
      element("td", { class: "num" }, duration(stats.median_seconds)),
      element("td", { class: "num" }, String(stats.failed_attempts)),
      element("td", { class: "num" }, String(stats.hints)),
      element("td", { class: "num" }, String(stats.stuck)))));
    const figureHead = element("tr", {}, ...["#", "Where learners struggle", "Completed", "Median", "Failed checks", "Hints", "Stuck"].map((name) => element("th", { scope: "col" }, name)));
    main.append(element("div", { class: "scroll" }, element("table", { class: "figures" }, element("thead", {}, figureHead), figures)));
  }
}

let pending = null;
async function refresh() {
  const response = await fetch("/api/v1/report", { headers: { Authorization: "Bearer " + token } });
  if (response.status === 401) {
    sessionStorage.removeItem("labrun-token");
    askToken("That token was refused.");
    return false;
  }
  if (!response.ok) throw new Error("the server answered " + response.status);
  draw(await response.json());
  status("Live · updated " + new Date().toLocaleTimeString(), false);
  return true;
}

// At most one redraw at a time; changes during a redraw cause one more.
function schedule() {
  if (pending) { pending.again = true; return; }
  pending = { again: false };
  refresh().catch((error) => status("Cannot reach the server (" + error.message + "); retrying…", true)).finally(() => {
    const again = pending.again;
    pending = null;
    if (again) schedule();
  });
}

function listen() {
  const events = new EventSource("/api/v1/stream?token=" + encodeURIComponent(token));
  events.addEventListener("change", schedule);
  events.onopen = schedule;
  events.onerror = () => status("Connection lost; reconnecting…", true);
}

function askToken(message) {
  status(message || "Enter the instructor token that labrun serve printed.", true);
  const form = document.getElementById("login");
  form.hidden = false;
  form.onsubmit = (event) => {
    event.preventDefault();
    token = document.getElementById("token").value.trim();
    if (!token) return;
    sessionStorage.setItem("labrun-token", token);
    form.hidden = true;
    start();
  };
}

async function start() {
  if (await refresh().catch(() => false)) listen();
}

if (location.hash) history.replaceState(null, "", location.pathname);
if (token) {
  sessionStorage.setItem("labrun-token", token);
  start();
} else {
  askToken();
}
