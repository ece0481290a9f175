"""The query page at ``/``: type SPARQL, pick an example, see the table; no remote resources."""

from __future__ import annotations

import html

from kg.store.named_queries import list_named

__all__ = ["page"]


def page() -> bytes:
    """The query page: a text box, examples (and the named queries without parameters), a result table."""
    examples = [
        ("地点层级 · places under 林芝市",
         "SELECT ?name ?level WHERE {\n  ?top rdfs:label \"林芝市\"@zh .\n  ?x kg:locatedIn+ ?top ; "
         "rdfs:label ?name .\n  OPTIONAL { ?x kg:placeLevel ?level }\n} ORDER BY ?level ?name"),
        ("项目与实施者 · who carries out what",
         "SELECT ?doer ?programme WHERE {\n  ?d kg:carriesOut ?p ; rdfs:label ?doer .\n  ?p rdfs:label ?programme .\n}"
         " ORDER BY ?programme"),
        ("各类实体数量 · entities per class",
         "SELECT ?class (COUNT(?x) AS ?n) WHERE {\n  ?x a ?c . ?c rdfs:subClassOf* kg:Entity ; rdfs:label ?class .\n"
         "  FILTER(LANG(?class) = \"zh\")\n} GROUP BY ?class ORDER BY DESC(?n)"),
    ]
    named = [(f"{q.name} · {q.title}", q.text) for q in list_named() if not q.params]
    options = "".join(f'<option value="{html.escape(text)}">{html.escape(title)}</option>'
                      for title, text in examples + named)
    return _PAGE.replace("{options}", options).replace("{first}", html.escape(examples[0][1])).encode("utf-8")


_PAGE = """<!doctype html>
<html lang="zh"><head><meta charset="utf-8"><title>kg SPARQL</title>
<style>
body{font-family:"Noto Sans CJK SC","Noto Sans SC",sans-serif;margin:2em;max-width:70em}
textarea{width:100%;height:12em;font-family:monospace;font-size:14px}
table{border-collapse:collapse;margin-top:1em}td,th{border:1px solid #ccc;padding:.25em .5em;text-align:left}
th{background:#f3f3f3}#status{color:#555;margin-left:1em}.error{color:#b00020;white-space:pre-wrap}
</style></head><body>
<h1>kg · SPARQL</h1>
<p>Prefixes <code>kg: rdfs: skos: rdf: xsd: owl:</code> are bound. Endpoint: <code>/sparql</code>
(GET or POST, SPARQL 1.1 Protocol, read-only).</p>
<p><label>例子 Examples <select id="examples">{options}</select></label></p>
<form id="form"><textarea id="query" name="query">{first}</textarea><br>
<button type="submit">运行 Run</button><span id="status"></span></form>
<div id="result"></div>
<script>
const examples = document.getElementById("examples");
examples.addEventListener("change", () => { document.getElementById("query").value = examples.value; });
document.getElementById("form").addEventListener("submit", async (event) => {
  event.preventDefault();
  const status = document.getElementById("status"), result = document.getElementById("result");
  status.textContent = "…"; result.textContent = "";
  const started = performance.now();
  const response = await fetch("sparql", {method: "POST",
    headers: {"Content-Type": "application/x-www-form-urlencoded",
              "Accept": "application/sparql-results+json, text/turtle;q=0.9"},
    body: new URLSearchParams({query: document.getElementById("query").value})});
  const seconds = ((performance.now() - started) / 1000).toFixed(2);
  const type = response.headers.get("Content-Type") || "";
  if (!response.ok) {
    const p = document.createElement("p"); p.className = "error"; p.textContent = await response.text();
    result.appendChild(p); status.textContent = response.status + " · " + seconds + " s"; return;
  }
  if (!type.startsWith("application/sparql-results+json")) {
    const pre = document.createElement("pre"); pre.textContent = await response.text();
    result.appendChild(pre); status.textContent = seconds + " s"; return;
  }
  const data = await response.json();
  if ("boolean" in data) { result.textContent = String(data.boolean); status.textContent = seconds + " s"; return; }
  const table = document.createElement("table"), head = table.insertRow();
  for (const v of data.head.vars) { const th = document.createElement("th"); th.textContent = v; head.appendChild(th); }
  for (const b of data.results.bindings) {
    const row = table.insertRow();
    for (const v of data.head.vars) { row.insertCell().textContent = b[v] ? b[v].value : ""; }
  }
  result.appendChild(table);
  status.textContent = data.results.bindings.length + " rows · " + seconds + " s";
});
</script></body></html>
"""
