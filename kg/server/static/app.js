// iokg's query page: named queries, a SPARQL editor, a results table with labels and links.
// Hand-written, no library; everything it fetches comes from this server.
"use strict";
(function () {
  const settings = JSON.parse(document.body.dataset.settings);
  const base = settings.base;
  const $ = (id) => document.getElementById(id);
  const RESULT_FORMATS = ["json", "xml", "csv", "tsv"];
  const GRAPH_FORMATS = ["turtle", "ntriples", "nquads", "trig", "jsonld", "rdfxml"];
  let current = null; // the named query loaded, or null for the editor's own text

  function el(tag, attrs, ...children) {
    const node = document.createElement(tag);
    for (const [k, v] of Object.entries(attrs || {})) node.setAttribute(k, v);
    for (const child of children) node.append(child);
    return node;
  }

  function local(iri) {
    return iri.startsWith(settings.publicBase) ? base + iri.slice(settings.publicBase.length) : iri;
  }

  function prefixed(iri) {
    let best = null;
    for (const [p, ns] of Object.entries(settings.prefixes)) {
      if (iri.startsWith(ns) && (!best || ns.length > settings.prefixes[best].length)) best = p;
    }
    return best ? best + ":" + iri.slice(settings.prefixes[best].length) : iri;
  }

  async function loadQueries() {
    const list = $("queries");
    const response = await fetch(base + "queries", { headers: { Accept: "application/json" } });
    const queries = await response.json();
    list.replaceChildren();
    for (const q of queries) {
      const button = el("button", { type: "button", "data-query": q.name }, q.name);
      button.addEventListener("click", () => choose(q));
      list.append(el("li", {}, button, el("small", {}, q.summary)));
    }
    const wanted = new URLSearchParams(location.hash.slice(1)).get("query");
    const found = queries.find((q) => q.name === wanted);
    if (found) choose(found);
  }

  function choose(q) {
    current = q;
    $("named").hidden = false;
    $("named-title").textContent = q.name;
    $("named-summary").textContent = q.summary;
    $("query").value = q.query;
    const form = $("params");
    form.replaceChildren();
    for (const p of q.parameters) {
      const input = el("input", { name: p.name, "data-param": p.name, placeholder: p.type === "iri" ? "op:spamouflage" : p.type });
      if (p.required) input.required = true;
      form.append(el("label", {}, p.name + (p.required ? " " : " (optional) "), input));
    }
    history.replaceState(null, "", "#query=" + encodeURIComponent(q.name));
  }

  function editedByHand() {
    return current && $("query").value !== current.query;
  }

  function request(format) {
    if (current && !editedByHand()) {
      const params = new URLSearchParams();
      for (const input of $("params").querySelectorAll("input")) if (input.value.trim()) params.set(input.name, input.value.trim());
      if (format) params.set("format", format);
      return { url: base + "queries/" + encodeURIComponent(current.name) + (params.toString() ? "?" + params : ""), init: {} };
    }
    const params = new URLSearchParams({ query: $("query").value });
    if (format) params.set("format", format);
    return { url: base + "sparql?" + params, init: {} };
  }

  async function run() {
    const status = $("status");
    const results = $("results");
    if (current && !editedByHand()) {
      const missing = [...$("params").querySelectorAll("input")].filter((i) => i.required && !i.value.trim());
      if (missing.length) { status.textContent = "fill in: " + missing.map((i) => i.name).join(", "); return; }
    }
    status.textContent = "running…";
    results.replaceChildren();
    const started = performance.now();
    let url, init;
    if (current && !editedByHand()) ({ url, init } = request(null));
    else {
      url = base + "sparql";
      init = { method: "POST", body: new URLSearchParams({ query: $("query").value }),
               headers: { "Content-Type": "application/x-www-form-urlencoded" } };
    }
    init.headers = Object.assign(init.headers || {}, { Accept: "application/sparql-results+json, text/turtle;q=0.9" });
    const response = await fetch(url, init);
    const seconds = ((performance.now() - started) / 1000).toFixed(2);
    const type = response.headers.get("Content-Type") || "";
    if (!response.ok) {
      status.textContent = "";
      results.append(el("p", { class: "error" }, `${response.status}: ${await response.text()}`));
      return;
    }
    const cut = response.headers.get("X-IOKG-Truncated") ? ` (cut at ${response.headers.get("X-IOKG-Max-Rows")} rows)` : "";
    if (type.startsWith("application/sparql-results+json")) {
      const data = await response.json();
      if ("boolean" in data) {
        results.append(el("p", { class: "answer" }, data.boolean ? "yes" : "no"));
        status.textContent = `answered in ${seconds} s`;
      } else {
        await table(data);
        status.textContent = `${data.results.bindings.length} rows in ${seconds} s${cut}`;
      }
      downloads(RESULT_FORMATS);
    } else {
      results.append(el("pre", {}, await response.text()));
      status.textContent = `graph in ${seconds} s${cut}`;
      downloads(GRAPH_FORMATS);
    }
  }

  async function table(data) {
    const vars = data.head.vars;
    const rows = data.results.bindings;
    const iris = new Set();
    for (const row of rows) for (const v of vars) if (row[v] && row[v].type === "uri") iris.add(row[v].value);
    let labels = {};
    if (iris.size) {
      const response = await fetch(base + "labels", { method: "POST", body: JSON.stringify([...iris].slice(0, 5000)),
                                                     headers: { "Content-Type": "application/json" } });
      if (response.ok) labels = await response.json();
    }
    const head = el("tr", {}, ...vars.map((v) => el("th", {}, v)));
    const body = el("tbody");
    for (const row of rows) {
      const tr = el("tr");
      for (const v of vars) tr.append(el("td", {}, cell(row[v], labels)));
      body.append(tr);
    }
    $("results").append(el("table", { id: "result-table" }, el("thead", {}, head), body));
  }

  function cell(term, labels) {
    if (!term) return "";
    if (term.type === "uri") {
      return el("a", { href: local(term.value), title: term.value, class: "iri-link" }, labels[term.value] || prefixed(term.value));
    }
    if (term.type === "bnode") return "_:" + term.value;
    const span = el("span", term["xml:lang"] ? { lang: term["xml:lang"] } : {}, term.value);
    return term["xml:lang"] ? el("span", {}, span, el("small", {}, " @" + term["xml:lang"])) : span;
  }

  function downloads(formats) {
    const box = $("downloads");
    box.replaceChildren("Download: ");
    for (const f of formats) {
      const { url } = request(f);
      box.append(el("a", { href: url, download: "iokg-results." + f, "data-format": f }, f), " ");
    }
  }

  // The pictures come from the server (kg.pictures); a build without them shows none.
  const pictures = ["timeline", "network"];
  const hide = (id) => {
    $(id + "-figure").hidden = true;
    if (pictures.every((p) => $(p + "-figure").hidden)) $("pictures").hidden = true;
  };
  for (const id of pictures) {
    const image = $(id);
    if (image.complete && image.naturalWidth === 0) hide(id);
    else image.addEventListener("error", () => hide(id));
  }
  $("run").addEventListener("click", run);
  $("query").addEventListener("keydown", (e) => { if (e.key === "Enter" && (e.ctrlKey || e.metaKey)) run(); });
  loadQueries().catch((e) => { $("queries").replaceChildren(el("li", { class: "error" }, String(e))); });
})();
