/**
 * The sample browser: every kept sample row (eval samples, generate/judge outputs) as a table
 * row carrying its stage, feasibility and verdicts as data attributes, and a few lines of script
 * that hide the rows a filter excludes. Model text is escaped, never interpreted.
 */
import { esc } from "./escape.js";
import { formatNumber } from "./svg.js";
import type { SampleRow, StageData } from "./types.js";

function verdictCell(s: SampleRow): string {
  return Object.entries(s.verdicts)
    .map(([judge, v]) => `<div class="v-${esc(v.status)}"><b>${esc(judge)}</b> ${esc(v.status)}${v.reason ? ` <span class="reason">${esc(v.reason)}</span>` : ""}</div>`)
    .join("");
}

function rewardCell(s: SampleRow): string {
  if (s.reward === undefined) return "";
  if (s.rewardRaw === undefined) return formatNumber(s.reward);
  return `${formatNumber(s.rewardRaw)}<div class="reason">calibrated ${formatNumber(s.reward)}</div>`;
}

function row(s: SampleRow): string {
  const verdicts = Object.entries(s.verdicts).map(([j, v]) => `${j}=${v.status}`).join(" ");
  const feasible = s.feasible === undefined ? "" : String(s.feasible);
  return `<tr data-stage="${esc(s.stage)}" data-feasible="${feasible}" data-verdicts="${esc(verdicts)}">` +
    `<td>${esc(s.stage)}<div class="reason">${esc(s.task)}${s.step === undefined ? "" : `, step ${s.step}`}</div></td><td><pre>${esc(s.prompt)}</pre></td><td><pre>${esc(s.response)}</pre></td>` +
    `<td class="num">${rewardCell(s)}</td>` +
    `<td>${s.feasible === undefined ? "" : s.feasible ? "yes" : "no"}</td><td>${verdictCell(s)}</td></tr>`;
}

const options = (values: readonly string[], any: string) =>
  `<option value="">${esc(any)}</option>${values.map((v) => `<option value="${esc(v)}">${esc(v)}</option>`).join("")}`;

/** Filters apply on every change; the count says how many rows are shown. */
const SCRIPT = `(function () {
  var root = document.getElementById("samples");
  if (!root) return;
  var rows = Array.prototype.slice.call(root.querySelectorAll("tbody tr"));
  var get = function (name) { return root.querySelector("[data-filter=" + name + "]"); };
  var stage = get("stage"), judge = get("judge"), status = get("status"), feasible = get("feasible"), text = get("text");
  var count = root.querySelector(".count");
  function verdictOk(row) {
    if (!status.value) return true;
    var words = (row.getAttribute("data-verdicts") || "").split(" ");
    return words.some(function (w) {
      var i = w.lastIndexOf("=");
      return w.slice(i + 1) === status.value && (!judge.value || w.slice(0, i) === judge.value);
    });
  }
  function apply() {
    var q = text.value.toLowerCase(), shown = 0;
    rows.forEach(function (row) {
      var ok = (!stage.value || row.getAttribute("data-stage") === stage.value) &&
        (!feasible.value || row.getAttribute("data-feasible") === feasible.value) &&
        verdictOk(row) && (!q || row.textContent.toLowerCase().indexOf(q) >= 0);
      row.hidden = !ok;
      if (ok) shown += 1;
    });
    count.textContent = shown + " of " + rows.length + " samples shown";
  }
  [stage, judge, status, feasible, text].forEach(function (el) { el.addEventListener("input", apply); el.addEventListener("change", apply); });
  apply();
})();`;

/** The browser section, or an empty string when no stage wrote samples. */
export function samplesSection(stages: readonly StageData[]): string {
  const rows = stages.flatMap((s) => s.samples);
  if (rows.length === 0) return "";
  const withSamples = stages.filter((s) => s.samples.length > 0);
  const judges = [...new Set(rows.flatMap((r) => Object.keys(r.verdicts)))].sort();
  const statuses = [...new Set(rows.flatMap((r) => Object.values(r.verdicts).map((v) => v.status)))].sort();
  const capped = withSamples.filter((s) => s.samplesTotal > s.samples.length)
    .map((s) => `${s.name}: first ${s.samples.length} of ${s.samplesTotal}`);
  const controls = `<div class="filters">` +
    `<label>stage <select data-filter="stage">${options(withSamples.map((s) => s.name), "any")}</select></label>` +
    `<label>judge <select data-filter="judge">${options(judges, "any judge")}</select></label>` +
    `<label>verdict <select data-filter="status">${options(statuses, "any")}</select></label>` +
    `<label>feasible <select data-filter="feasible"><option value="">any</option><option value="true">yes</option><option value="false">no</option></select></label>` +
    `<label>text <input data-filter="text" type="search" placeholder="prompt, response, reason"></label>` +
    `<span class="count">${rows.length} of ${rows.length} samples shown</span></div>`;
  return `<section id="samples"><h2>Samples</h2>` +
    (capped.length > 0 ? `<p class="note">Kept per stage: ${esc(capped.join("; "))}.</p>` : "") + controls +
    `<div class="samples-wrap"><table class="samples"><thead><tr><th>stage / task</th><th>prompt</th><th>response</th><th>reward</th><th>feasible</th><th>verdicts</th></tr></thead>` +
    `<tbody>${rows.map(row).join("")}</tbody></table></div><script>${SCRIPT}</script></section>`;
}
