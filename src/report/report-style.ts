/** The report's whole stylesheet, inlined so the page needs nothing from the network. */
export const REPORT_CSS = `
:root{color-scheme:light;--ink:#0f172a;--muted:#64748b;--line:#e2e8f0;--card:#f8fafc;--ok:#047857;--bad:#b91c1c;--accent:#0072b2}
*{box-sizing:border-box}
body{margin:0;background:#fff;color:var(--ink);font:15px/1.55 system-ui,-apple-system,"Segoe UI",Roboto,"Helvetica Neue",Arial,sans-serif;-webkit-font-smoothing:antialiased}
main{max-width:880px;margin:0 auto;padding:32px 24px 56px}
header{border-bottom:1px solid var(--line);padding-bottom:18px;margin-bottom:8px}
h1{font-size:26px;line-height:1.2;margin:0 0 6px;letter-spacing:-.01em}
h1 .brand{color:var(--accent)}
h2{font-size:18px;margin:36px 0 4px;letter-spacing:-.005em}
.meta{display:flex;flex-wrap:wrap;gap:6px 22px;margin:0;color:var(--muted);font-size:14px}
.meta dt{display:inline;font-weight:600;color:#334155}
.meta dd{display:inline;margin:0 0 0 6px;font-variant-numeric:tabular-nums}
.lede{color:var(--muted);margin:0 0 12px;font-size:14px}
.cards{display:grid;grid-template-columns:repeat(auto-fit,minmax(150px,1fr));gap:12px;margin:22px 0 0}
.card{background:var(--card);border:1px solid var(--line);border-radius:10px;padding:12px 14px}
.card .label{font-size:12px;text-transform:uppercase;letter-spacing:.05em;color:var(--muted)}
.card .value{font-size:22px;font-weight:650;font-variant-numeric:tabular-nums;margin-top:2px}
.card .sub{font-size:12px;color:var(--muted);margin-top:2px}
.card .value.ok{color:var(--ok)}.card .value.bad{color:var(--bad)}
table{width:100%;border-collapse:collapse;font-size:14px;font-variant-numeric:tabular-nums;margin-top:8px}
th,td{padding:7px 8px;border-bottom:1px solid var(--line);text-align:left;white-space:nowrap}
thead th{white-space:normal;vertical-align:bottom;line-height:1.25;font-size:11.5px;text-transform:uppercase;letter-spacing:.04em;color:var(--muted);font-weight:600;border-bottom:2px solid var(--line)}
tbody th{font-weight:600}
.num{text-align:right}.zero{color:#94a3b8}.strong{font-weight:650}
.stage{display:block}.kind{display:block;font-size:12px;font-weight:400;color:var(--muted)}
.version{color:var(--accent)}.kind-inline{color:var(--muted);font-size:12px}
.versions th,.versions td{padding-left:6px;padding-right:6px}
.identity{font-weight:700}.identity.ok{color:var(--ok)}.identity.bad{color:var(--bad)}
.table-scroll{overflow-x:auto}
figure{margin:10px 0 0}
svg.chart{display:block;width:100%;height:auto;max-width:100%}
.note,.empty{color:var(--muted);font-size:14px;margin:8px 0 0}
h3{font-size:15px;margin:22px 0 0}
.trained{color:var(--muted);font-size:13px;margin:0}
.eval-grid{display:grid;grid-template-columns:repeat(auto-fit,minmax(300px,1fr));gap:4px 28px;align-items:start}
caption{text-align:left;font-size:12px;color:var(--muted);padding-top:6px}
.confusion td{width:38%}.confusion .hit{background:#ecfdf5}.confusion .miss{background:#fef2f2}
.share{display:block;font-size:12px;font-weight:400;color:var(--muted)}
.metrics .hint{white-space:normal;color:var(--muted);font-size:12.5px;line-height:1.35}
details.bins{margin-top:6px;font-size:13px}details.bins summary{cursor:pointer;color:var(--muted)}
.sr{position:absolute;width:1px;height:1px;overflow:hidden;clip:rect(0 0 0 0);white-space:nowrap}
footer{margin-top:44px;padding-top:14px;border-top:1px solid var(--line);color:var(--muted);font-size:13px}
@media print{main{padding:0}h2{break-after:avoid}figure,table{break-inside:avoid}}
`;
