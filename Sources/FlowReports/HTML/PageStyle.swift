/// The page style sheet and the optional sort script of the HTML report.
enum PageStyle {
    static let css = """
    :root{color-scheme:light dark;--fg:#1f2937;--muted:#4b5563;--bg:#fff;--panel:#f9fafb;--line:#e5e7eb;--accent:#2563eb;--warn-bg:#fef3c7;--warn-line:#d97706;--code:#f3f4f6;--critical:#b91c1c;--critical-bg:#fee2e2;--major:#c2410c;--major-bg:#ffedd5;--minor:#854d0e;--minor-bg:#fef9c3;--low:#374151;--low-bg:#f3f4f6}
    @media (prefers-color-scheme:dark){:root{--fg:#e5e7eb;--muted:#9ca3af;--bg:#111827;--panel:#1f2937;--line:#374151;--accent:#60a5fa;--warn-bg:#422006;--warn-line:#f59e0b;--code:#1f2937;--critical:#fca5a5;--critical-bg:#450a0a;--major:#fdba74;--major-bg:#431407;--minor:#fde047;--minor-bg:#422006;--low:#d1d5db;--low-bg:#1f2937}}
    *{box-sizing:border-box}
    body{margin:0;background:var(--bg);color:var(--fg);font:15px/1.5 system-ui,-apple-system,"Segoe UI",Roboto,sans-serif}
    header,main,footer{max-width:1100px;margin:0 auto;padding:0 20px}
    header{padding-top:24px}
    h1{font-size:1.7em;margin:0 0 4px;overflow-wrap:anywhere}
    h2{font-size:1.35em;margin:36px 0 12px;padding-bottom:4px;border-bottom:2px solid var(--line)}
    h3{font-size:1.08em;margin:24px 0 8px}
    .sub{color:var(--muted);margin:0}
    nav{margin:14px 0 0;display:flex;flex-wrap:wrap;gap:6px 16px}
    nav a{color:var(--accent);text-decoration:none}
    a{color:var(--accent)}
    code{font:0.9em ui-monospace,SFMono-Regular,Menlo,Consolas,monospace;background:var(--code);padding:1px 4px;border-radius:3px;overflow-wrap:break-word}
    .warning{background:var(--warn-bg);border-left:4px solid var(--warn-line);padding:10px 14px;margin:12px 0;border-radius:4px}
    .warning strong{display:block;margin-bottom:4px}
    .warning ul{margin:0;padding-left:20px}
    .absent{color:var(--muted);font-style:italic;border-left:3px solid var(--line);padding:2px 10px;margin:10px 0}
    .tablewrap{overflow-x:auto;margin:8px 0 4px}
    table{border-collapse:collapse;width:100%;font-size:0.92em}
    th,td{padding:5px 8px;border-bottom:1px solid var(--line);text-align:left;vertical-align:top}
    th{background:var(--panel);font-weight:600;white-space:nowrap}
    td{overflow-wrap:break-word}
    td code{white-space:nowrap}
    td.num,th.num{text-align:right;white-space:nowrap;font-variant-numeric:tabular-nums}
    table.facts{width:auto}
    table.facts th{background:none;text-align:left;padding-right:18px}
    table.sortable th{cursor:pointer}
    table.sortable th[data-dir=asc]::after{content:" ▲"}
    table.sortable th[data-dir=desc]::after{content:" ▼"}
    .cp{font:0.78em ui-monospace,SFMono-Regular,Menlo,Consolas,monospace;color:var(--warn-line);border:1px solid var(--warn-line);border-radius:3px;padding:0 2px;white-space:nowrap}
    .tnote{color:var(--muted);font-size:0.88em;margin:2px 0 10px}
    .cards{display:grid;grid-template-columns:repeat(auto-fill,minmax(320px,1fr));gap:12px;margin:10px 0}
    .card{border:1px solid var(--line);border-left:6px solid var(--low);border-radius:6px;padding:10px 14px;background:var(--panel);min-width:0}
    .card.sev-critical{border-left-color:var(--critical)}.card.sev-major{border-left-color:var(--major)}.card.sev-minor{border-left-color:#ca8a04}
    .cardhead{display:flex;justify-content:space-between;align-items:baseline;gap:8px;flex-wrap:wrap}
    .card h3{margin:0;font-size:1.08em}
    .cardnum{color:var(--muted);font-weight:600}
    .sev{font-weight:700;font-size:0.88em;padding:1px 8px;border-radius:10px;white-space:nowrap;color:var(--low);background:var(--low-bg);border:1px solid currentColor}
    .sev.sev-critical{color:var(--critical);background:var(--critical-bg)}.sev.sev-major{color:var(--major);background:var(--major-bg)}.sev.sev-minor{color:var(--minor);background:var(--minor-bg)}
    .cardsum{margin:6px 0 8px;overflow-wrap:anywhere}
    .card dl{margin:0;font-size:0.92em}
    .card dl div{display:flex;gap:8px}
    .card dt{color:var(--muted);min-width:6.5em;flex:none}
    .card dd{margin:0;overflow-wrap:anywhere;min-width:0}
    .card code{white-space:normal;overflow-wrap:anywhere}
    tr:target{background:var(--warn-bg)}
    figure{margin:14px 0 18px}
    .chartwrap{overflow-x:auto}
    .chartwrap.narrow{display:none}
    svg.chart{display:block;width:100%;max-width:980px;height:auto}
    figcaption{color:var(--muted);font-size:0.88em;margin-top:4px}
    footer{color:var(--muted);font-size:0.88em;padding-bottom:40px}
    @media (max-width:640px){body{font-size:14px}header,main,footer{padding:0 12px}th,td{padding:4px 5px}.ph{display:none}td.brk code{white-space:normal;overflow-wrap:anywhere}table:has(.ph) td.num{white-space:normal}.chartwrap.wide{display:none}.chartwrap.narrow{display:block}.cards{grid-template-columns:1fr}.card dt{min-width:5.5em}}
    @media print{nav,.noprint{display:none}body{font-size:11pt;background:#fff;color:#000}figure,table,.warning,.card{break-inside:avoid}h2,h3{break-after:avoid}.chartwrap,.tablewrap{overflow:visible}.ph{display:table-cell}.chartwrap.wide{display:block}.chartwrap.narrow{display:none}}
    """

    /// Sorts a table when its header is clicked (numeric by `data-sort`, else by text).
    /// Without script the tables are simply in their printed order.
    static let script = """
    document.querySelectorAll("table.sortable").forEach(function(t){var hs=t.tHead.rows[0].cells;Array.prototype.forEach.call(hs,function(th,i){th.tabIndex=0;th.title="Sort";function go(){var b=t.tBodies[0],rows=Array.prototype.slice.call(b.rows),asc=th.getAttribute("data-dir")!=="asc";Array.prototype.forEach.call(hs,function(h){h.removeAttribute("data-dir")});th.setAttribute("data-dir",asc?"asc":"desc");rows.sort(function(x,y){var a=x.cells[i],c=y.cells[i],ka=a.getAttribute("data-sort"),kc=c.getAttribute("data-sort"),r=(ka!==null&&kc!==null)?parseFloat(ka)-parseFloat(kc):a.textContent.localeCompare(c.textContent);return asc?r:-r});rows.forEach(function(r){b.appendChild(r)})}th.addEventListener("click",go);th.addEventListener("keydown",function(e){if(e.key==="Enter")go()})})});
    """
}
