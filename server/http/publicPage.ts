// The public page of an explanation, rendered on the server: it must read with JavaScript off, on a phone, and
// printed on A4 for a notice at the scene (with a QR code that leads back to it). Everything is escaped text.
import { shortFingerprint } from "../core/checkpoints";
import type { PublicExplanationView } from "../../shared/api";
import {
  EXPLANATION_LANGUAGES,
  formatLocalTime,
  formatSeconds,
  type ExplanationLanguage,
  type PublicInterval,
  type TimelineStep,
} from "../../shared/explanation";

const LABELS: Record<
  ExplanationLanguage,
  {
    languageName: string;
    incident: string;
    version: (version: number, date: string) => string;
    correction: string;
    earlier: string;
    latest: string;
    timeline: string;
    standards: string;
    interval: string;
    took: string;
    target: string;
    standard: string;
    met: string;
    notMet: string;
    noTime: string;
    decisions: string;
    known: string;
    unknown: string;
    contact: string;
    ask: string;
    integrity: string;
    integrityText: (seq: number) => string;
    /** The signed checkpoint outside the database that covers this publication. */
    checkpointText: (position: number, key: string) => string;
    scan: string;
    withdrawn: (date: string) => string;
    steps: Record<TimelineStep, string>;
    intervals: Record<PublicInterval, string>;
  }
> = {
  "zh-CN": {
    languageName: "简体中文",
    incident: "警情编号",
    version: (version, date) => `第 ${version} 版，发布于 ${date}`,
    correction: "更正说明",
    earlier: "历史版本",
    latest: "最新版本",
    timeline: "处置时间线",
    standards: "与标准对照",
    interval: "环节",
    took: "用时",
    target: "标准",
    standard: "依据",
    met: "达标",
    notMet: "未达标",
    noTime: "无记录",
    decisions: "现场决策及原因",
    known: "已知情况",
    unknown: "尚待查明",
    contact: "如何咨询",
    ask: "提出问题或投诉",
    integrity: "记录完整性",
    integrityText: (seq) => `发布时本警情记录共 ${seq} 条，最后一条的哈希值：`,
    checkpointText: (position, key) => `本次发布已计入数据库之外保存的签名检查点（日志位置 ${position}，签名密钥 ${key}），可用它核对记录在发布后是否被改动。检查点摘要：`,
    scan: "扫码查看本页",
    withdrawn: (date) => `本页已于 ${date} 撤回。`,
    steps: {
      call_received: "接到报警",
      dispatched: "调派力量",
      en_route: "第一车出动",
      on_scene: "第一车到场",
      under_control: "火势控制",
      cleared: "处置结束",
    },
    intervals: {
      callProcessing: "接警到调派",
      turnout: "出动准备",
      travel: "行车途中",
      dispatchToArrival: "出动命令到到场",
      totalResponse: "报警到到场",
    },
  },
  "zh-TW": {
    languageName: "繁體中文",
    incident: "案件編號",
    version: (version, date) => `第 ${version} 版，發布於 ${date}`,
    correction: "更正說明",
    earlier: "歷史版本",
    latest: "最新版本",
    timeline: "處置時間線",
    standards: "與標準對照",
    interval: "環節",
    took: "用時",
    target: "標準",
    standard: "依據",
    met: "達標",
    notMet: "未達標",
    noTime: "無記錄",
    decisions: "現場決策及原因",
    known: "已知情況",
    unknown: "尚待查明",
    contact: "如何諮詢",
    ask: "提出問題或投訴",
    integrity: "記錄完整性",
    integrityText: (seq) => `發布時本案件記錄共 ${seq} 條，最後一條的雜湊值：`,
    checkpointText: (position, key) => `本次發布已計入資料庫之外保存的簽章檢查點（日誌位置 ${position}，簽章金鑰 ${key}），可用它核對記錄在發布後是否被改動。檢查點摘要：`,
    scan: "掃碼查看本頁",
    withdrawn: (date) => `本頁已於 ${date} 撤回。`,
    steps: {
      call_received: "接到報案",
      dispatched: "調派力量",
      en_route: "第一車出動",
      on_scene: "第一車到場",
      under_control: "火勢控制",
      cleared: "處置結束",
    },
    intervals: {
      callProcessing: "接警到調派",
      turnout: "出動準備",
      travel: "行車途中",
      dispatchToArrival: "出動命令到到場",
      totalResponse: "報案到到場",
    },
  },
  en: {
    languageName: "English",
    incident: "Incident number",
    version: (version, date) => `Version ${version}, published ${date}`,
    correction: "Correction",
    earlier: "Versions",
    latest: "latest",
    timeline: "Time line",
    standards: "Against the standards",
    interval: "Step",
    took: "Took",
    target: "Target",
    standard: "Standard",
    met: "met",
    notMet: "not met",
    noTime: "not recorded",
    decisions: "Decisions and why",
    known: "What we know",
    unknown: "What we do not know yet",
    contact: "Questions",
    ask: "Ask a question or make a complaint",
    integrity: "Record integrity",
    integrityText: (seq) => `At publication the incident record had ${seq} entries; the hash of the last one is:`,
    checkpointText: (position, key) =>
      `This publication is covered by a signed checkpoint kept outside the database (log position ${position}, signing key ${key}), against which anyone can check that the record was not changed afterwards. Checkpoint digest:`,
    scan: "Scan to open this page",
    withdrawn: (date) => `This page was withdrawn on ${date}.`,
    steps: {
      call_received: "Call received",
      dispatched: "Units dispatched",
      en_route: "First unit on the way",
      on_scene: "First unit on scene",
      under_control: "Under control",
      cleared: "Crews left",
    },
    intervals: {
      callProcessing: "Call to dispatch",
      turnout: "Turnout",
      travel: "Drive",
      dispatchToArrival: "Order to arrival",
      totalResponse: "Call to arrival",
    },
  },
};

const ENTITIES: Record<string, string> = { "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;" };

function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (char) => ENTITIES[char] ?? char);
}

/** The language to show: the one asked for if it was published, else the first published. */
export function pageLanguage(view: PublicExplanationView, asked: string | undefined): ExplanationLanguage {
  const published = view.content
    ? EXPLANATION_LANGUAGES.filter((language) => view.content?.texts[language] !== undefined)
    : [...EXPLANATION_LANGUAGES];
  const wanted = EXPLANATION_LANGUAGES.find((language) => language === asked);
  return wanted && published.includes(wanted) ? wanted : (published[0] ?? "zh-CN");
}

export interface PageInput {
  view: PublicExplanationView;
  language: ExplanationLanguage;
  /** The page's canonical address, the QR code's content. */
  pageUrl: string;
  /** The page's path, for links between languages and versions. */
  pagePath: string;
  qrSvg: string;
  timeZone: string;
  /** The residents' case form, told which page and incident the resident came from. */
  askPath: string;
}

export function renderPublicPage(input: PageInput): string {
  const { view, language, pagePath, timeZone } = input;
  const l = LABELS[language];
  const when = (iso: string) => {
    const { date, time } = formatLocalTime(iso, timeZone);
    return `${date} ${time}`;
  };
  const link = (params: { lang?: string; v?: number }) => {
    const query = new URLSearchParams();
    if (params.lang) query.set("lang", params.lang);
    if (params.v !== undefined) query.set("v", String(params.v));
    const text = query.toString();
    return escapeHtml(text ? `${pagePath}?${text}` : pagePath);
  };
  const versionParam = view.version === view.latestVersion ? undefined : view.version;
  const content = view.content;
  const text = content?.texts[language];
  const languages = content ? EXPLANATION_LANGUAGES.filter((candidate) => content.texts[candidate] !== undefined) : [];
  const parts: string[] = [];
  parts.push(`<header class="page-head">`);
  if (languages.length > 1) {
    parts.push(
      `<nav class="languages" aria-label="Language">${languages
        .map((candidate) =>
          candidate === language
            ? `<strong lang="${candidate}">${escapeHtml(LABELS[candidate].languageName)}</strong>`
            : `<a lang="${candidate}" href="${link({ lang: candidate, ...(versionParam ? { v: versionParam } : {}) })}">${escapeHtml(LABELS[candidate].languageName)}</a>`,
        )
        .join(" · ")}</nav>`,
    );
  }
  parts.push(`<h1>${escapeHtml(text?.title ?? `${l.incident} ${view.incidentNumber}`)}</h1>`);
  parts.push(
    `<p class="meta">${escapeHtml(l.incident)} <b data-testid="incident-number">${escapeHtml(view.incidentNumber)}</b> · ` +
      `<span data-testid="version">${escapeHtml(l.version(view.version, when(view.publishedAt)))}</span></p>`,
  );
  parts.push(`</header>`);
  if (view.withdrawn) {
    parts.push(
      `<section class="withdrawn" role="alert" data-testid="withdrawn"><p><b>${escapeHtml(l.withdrawn(when(view.withdrawn.at)))}</b></p>` +
        `<p>${escapeHtml(view.withdrawn.reason)}</p></section>`,
    );
  }
  if (view.note) {
    parts.push(`<aside class="correction" data-testid="correction"><b>${escapeHtml(l.correction)}:</b> ${escapeHtml(view.note)}</aside>`);
  }
  if (content && text) {
    parts.push(`<p class="summary">${escapeHtml(text.summary)}</p>`);
    parts.push(`<section><h2>${escapeHtml(l.timeline)}</h2><ol class="timeline" data-testid="timeline">`);
    for (const entry of content.facts.timeline) {
      parts.push(`<li><time datetime="${escapeHtml(entry.at)}">${escapeHtml(when(entry.at))}</time> <span>${escapeHtml(l.steps[entry.step])}</span></li>`);
    }
    parts.push(`</ol></section>`);
    parts.push(`<section><h2>${escapeHtml(l.standards)}</h2><table class="standards" data-testid="intervals"><thead><tr>`);
    parts.push(`<th scope="col">${escapeHtml(l.interval)}</th><th scope="col">${escapeHtml(l.took)}</th><th scope="col">${escapeHtml(l.target)}</th><th scope="col">${escapeHtml(l.standard)}</th></tr></thead><tbody>`);
    for (const fact of content.facts.intervals) {
      const verdict = fact.met === null ? "" : fact.met ? `<span class="met">✓ ${escapeHtml(l.met)}</span>` : `<span class="not-met">✗ ${escapeHtml(l.notMet)}</span>`;
      parts.push(
        `<tr data-interval="${fact.name}" data-seconds="${fact.seconds ?? ""}"><th scope="row">${escapeHtml(l.intervals[fact.name])}</th>` +
          `<td>${fact.seconds === null ? escapeHtml(l.noTime) : `${escapeHtml(formatSeconds(fact.seconds, language))} ${verdict}`}</td>` +
          `<td class="target">${escapeHtml(formatSeconds(fact.targetSeconds, language))}</td><td class="std">${escapeHtml(fact.standard)}</td></tr>`,
      );
    }
    parts.push(`</tbody></table><p>${escapeHtml(text.response)}</p></section>`);
    if (text.decisions.length > 0) {
      parts.push(`<section><h2>${escapeHtml(l.decisions)}</h2><ul class="decisions">`);
      for (const decision of text.decisions) parts.push(`<li>${escapeHtml(decision)}</li>`);
      parts.push(`</ul></section>`);
    }
    parts.push(`<section><h2>${escapeHtml(l.known)}</h2><p>${escapeHtml(text.known)}</p></section>`);
    parts.push(`<section><h2>${escapeHtml(l.unknown)}</h2><p>${escapeHtml(text.unknown)}</p></section>`);
    parts.push(
      `<section><h2>${escapeHtml(l.contact)}</h2><p>${escapeHtml(text.contact)}</p>` +
        `<p class="ask"><a data-testid="ask" href="${escapeHtml(input.askPath)}">${escapeHtml(l.ask)}</a></p></section>`,
    );
  }
  parts.push(`<footer>`);
  parts.push(
    `<section class="qr"><div class="qr-code" data-testid="qr">${input.qrSvg}</div>` +
      `<p>${escapeHtml(l.scan)}<br><span class="url">${escapeHtml(input.pageUrl)}</span></p></section>`,
  );
  if (view.versions.length > 1) {
    parts.push(`<nav class="versions" aria-label="${escapeHtml(l.earlier)}"><h2>${escapeHtml(l.earlier)}</h2><ul>`);
    for (const entry of [...view.versions].reverse()) {
      const label = `${l.version(entry.version, when(entry.publishedAt))}${entry.version === view.latestVersion ? ` (${l.latest})` : ""}`;
      parts.push(
        entry.version === view.version
          ? `<li><strong>${escapeHtml(label)}</strong>${entry.note ? ` — ${escapeHtml(entry.note)}` : ""}</li>`
          : `<li><a href="${link({ lang: language, ...(entry.version === view.latestVersion ? {} : { v: entry.version }) })}">${escapeHtml(label)}</a>${entry.note ? ` — ${escapeHtml(entry.note)}` : ""}</li>`,
      );
    }
    parts.push(`</ul></nav>`);
  }
  parts.push(
    `<section class="integrity"><h2>${escapeHtml(l.integrity)}</h2><p>${escapeHtml(l.integrityText(view.integrity.incidentLogSeq))}</p>` +
      `<p class="hash" data-testid="log-hash">${escapeHtml(view.integrity.incidentLogHeadHash)}</p>` +
      (view.integrity.checkpoint
        ? `<p>${escapeHtml(l.checkpointText(view.integrity.checkpoint.position, shortFingerprint(view.integrity.checkpoint.keyFingerprint)))}</p>` +
          `<p class="hash" data-testid="checkpoint-hash">${escapeHtml(view.integrity.checkpoint.bodyHash)}</p>`
        : "") +
      `</section>`,
  );
  parts.push(`</footer>`);

  return `<!doctype html>
<html lang="${language}">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="robots" content="noindex">
<title>${escapeHtml(text?.title ?? view.incidentNumber)}</title>
<link rel="stylesheet" href="${PAGE_CSS_PATH}">
</head>
<body>
<main class="explanation">
${parts.join("\n")}
</main>
</body>
</html>`;
}

/**
 * The page's stylesheet, served as a file of its own: the Content-Security-Policy allows styles from this origin
 * only, never an inline <style> element.
 */
export const PAGE_CSS_PATH = "/p/page.css";

export const PAGE_CSS = `
*{box-sizing:border-box}
body{margin:0;background:#f4f4f2;color:#1b1b1b;font:17px/1.6 system-ui,-apple-system,"PingFang SC","Noto Sans CJK SC","Microsoft YaHei",sans-serif}
.explanation{max-width:760px;margin:0 auto;padding:16px;background:#fff;min-height:100vh}
h1{font-size:1.45rem;line-height:1.3;margin:.4rem 0 .3rem}
h2{font-size:1.08rem;margin:1.4rem 0 .4rem;border-bottom:2px solid #b71c1c;padding-bottom:.15rem}
.meta{color:#555;font-size:.9rem;margin:0 0 .8rem}
.languages{font-size:.9rem;margin-bottom:.3rem}
.languages a{color:#0b57d0}
.summary{font-size:1.05rem}
.timeline{list-style:none;padding:0;margin:0 0 0 7px;border-left:3px solid #b71c1c}
.timeline li{padding:.2rem 0 .2rem .8rem;position:relative}
.timeline li::before{content:"";position:absolute;left:-7px;top:.75rem;width:11px;height:11px;border-radius:50%;background:#b71c1c}
.timeline time{font-variant-numeric:tabular-nums;font-weight:600;margin-right:.4rem;white-space:nowrap}
table.standards{width:100%;border-collapse:collapse;font-size:.92rem}
.standards th,.standards td{text-align:left;padding:.35rem .4rem;border-bottom:1px solid #ddd;vertical-align:top}
.standards thead th{background:#f1f1f1}
.standards td{font-variant-numeric:tabular-nums}
.met{color:#1b5e20;font-weight:600;white-space:nowrap}
.not-met{color:#b71c1c;font-weight:600;white-space:nowrap}
.std{font-size:.8rem;color:#555}
.target{white-space:nowrap}
.decisions{padding-left:1.2rem}
.ask a{display:inline-block;padding:.45rem .8rem;border:2px solid #b71c1c;border-radius:6px;color:#b71c1c;font-weight:600;text-decoration:none}
.correction{background:#fff8e1;border-left:4px solid #f9a825;padding:.6rem .8rem;margin:.6rem 0}
.withdrawn{background:#ffebee;border:2px solid #b71c1c;padding:.6rem .8rem;margin:.6rem 0}
footer{margin-top:1.6rem;border-top:1px solid #ccc;padding-top:.6rem}
.qr{display:flex;gap:1rem;align-items:center}
.qr-code svg{width:132px;height:132px;display:block}
.qr p{margin:0;font-size:.85rem}
.url{word-break:break-all;color:#333}
.versions ul{padding-left:1.2rem;font-size:.9rem}
.integrity p{font-size:.85rem;margin:.2rem 0}
.hash{font-family:ui-monospace,Menlo,Consolas,monospace;word-break:break-all;font-size:.75rem;color:#333}
@media (max-width:480px){
  body{font-size:16px}
  .explanation{padding:12px}
  .standards .std{display:none}
  .standards thead th:last-child{display:none}
}
@media print{
  @page{size:A4;margin:14mm 15mm}
  body{background:#fff;font-size:11pt;line-height:1.45}
  .explanation{max-width:none;padding:0;min-height:0}
  .languages,.versions a,.ask{display:none}
  h1{font-size:17pt}
  h2{font-size:12.5pt;margin-top:10pt;break-after:avoid}
  section,tr,li{break-inside:avoid}
  .qr-code svg{width:36mm;height:36mm}
  footer{break-inside:avoid}
  a{color:inherit;text-decoration:none}
}
`;
