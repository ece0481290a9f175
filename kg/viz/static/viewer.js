// The kg viewer: draws the inlined data with vis-network; search, class filters, freeze, details, figures.
(function () {
  "use strict";
  var data = JSON.parse(document.getElementById("kg-data").textContent);
  var nodes = new vis.DataSet(data.nodes);
  var edges = new vis.DataSet(data.edges);
  var network = new vis.Network(document.getElementById("kg-network"), { nodes: nodes, edges: edges }, data.options);
  var freeze = document.getElementById("kg-freeze");
  var pinned = null;

  function el(tag, text, cls) {
    var node = document.createElement(tag);
    if (text !== undefined) node.textContent = text;
    if (cls) node.className = cls;
    return node;
  }

  function ready() {
    network.setOptions({ physics: { enabled: false } });
    freeze.disabled = false;
    if (data.centres.length) {
      network.selectNodes(data.centres);
      pinned = { node: data.centres[0] };
      show(pinned);
    }
    window.kgReadyAt = performance.now();
    window.kgReady = true;
  }

  // Header, note on trimmed views.
  document.getElementById("kg-caption").textContent = data.caption;
  document.getElementById("kg-counts").textContent =
    "显示 " + data.nodes.length + " 个实体、" + data.edges.length + " 条关系";
  if (data.total > data.nodes.length) {
    var note = document.getElementById("kg-note");
    note.hidden = false;
    note.textContent = "实体太多：只显示连接最多的 " + data.nodes.length + " 个（共 " + data.total +
      " 个）。用 kg viz --focus 名称 或 --classes 类别 查看其余部分。";
  }

  // Search by name or alias: exact label, exact alias, then the first label containing the text.
  var names = document.getElementById("kg-names");
  var byName = new Map();
  data.nodes.forEach(function (n) {
    [n.label].concat(data.details[n.id].aliases).forEach(function (name) {
      if (!byName.has(name)) { byName.set(name, n.id); names.appendChild(el("option")).value = name; }
    });
  });
  function find(text) {
    if (byName.has(text)) return byName.get(text);
    var hit = data.nodes.filter(function (n) { return n.label.indexOf(text) >= 0; })
      .sort(function (a, b) { return b.value - a.value; })[0];
    return hit ? hit.id : null;
  }
  document.getElementById("kg-search").addEventListener("submit", function (event) {
    event.preventDefault();
    var text = document.getElementById("kg-query").value.trim();
    var result = document.getElementById("kg-search-result");
    var id = text ? find(text) : null;
    if (!id) { result.textContent = text ? "没有找到“" + text + "”" : ""; return; }
    var group = nodes.get(id).group;
    var box = document.querySelector('#kg-legend input[data-group="' + group + '"]');
    if (box && !box.checked) { box.checked = true; showGroup(group, true); }
    result.textContent = "已定位：" + nodes.get(id).label;
    network.selectNodes([id]);
    network.focus(id, { scale: Math.max(network.getScale(), 1.2), animation: { duration: 300 } });
    pinned = { node: id };
    show(pinned);
  });

  // Legend with one checkbox per class: unticking hides that class.
  function showGroup(group, visible) {
    nodes.update(nodes.getIds({ filter: function (n) { return n.group === group; } })
      .map(function (id) { return { id: id, hidden: !visible }; }));
  }
  var legend = document.getElementById("kg-legend");
  data.legend.forEach(function (entry) {
    var item = el("li"), label = el("label"), box = el("input");
    box.type = "checkbox";
    box.checked = true;
    box.dataset.group = entry.group;
    box.addEventListener("change", function () { showGroup(entry.group, box.checked); });
    var swatch = el("span", "", "kg-swatch");
    swatch.style.background = entry.colour;
    label.append(box, " ", swatch, entry.label, " ", el("span", "(" + entry.count + ")", "kg-count"));
    legend.appendChild(item).appendChild(label);
  });

  // Freeze: physics is off once the layout has settled; unticking lets it move again.
  freeze.addEventListener("change", function () {
    network.setOptions({ physics: { enabled: !freeze.checked, stabilization: { enabled: false } } });
  });

  // Details of a node or an edge, on hover; a click pins them.
  function evidence(list, items) {
    if (!items.length) { list.appendChild(el("dd", "（没有记录证据句）", "kg-none")); return; }
    items.forEach(function (item) {
      var quote = el("blockquote", item.text), cite = el("cite", "—— " + item.source);
      if (item.url && /^https?:\/\//i.test(item.url)) {  // only web links, never script: URLs from a page
        var link = el("a", item.url, "kg-url");
        link.href = item.url;
        link.target = "_blank";
        link.rel = "noopener noreferrer";
        cite.append(" ", link);
      }
      quote.appendChild(cite);
      list.appendChild(el("dd")).appendChild(quote);
    });
  }
  function row(list, term, value) {
    list.appendChild(el("dt", term));
    list.appendChild(el("dd", value));
  }
  function show(target) {
    var box = document.getElementById("kg-details"), list = el("dl");
    box.replaceChildren();
    if (!target) { box.appendChild(el("p", "把鼠标移到节点或连线上查看，点击可固定。", "kg-hint")); return; }
    if (target.node) {
      var node = nodes.get(target.node), d = data.details[target.node];
      box.appendChild(el("h3", node.label));
      row(list, "类别", d["class"]);
      row(list, "别名", d.aliases.length ? d.aliases.join("、") : "—");
      row(list, "上级地点", d.above.length ? d.above.join(" › ") : "—");
      row(list, "提及", d.documents + " 篇文章，共 " + d.mentions + " 次");
      list.appendChild(el("dt", "例句"));
      evidence(list, d.evidence);
    } else {
      var edge = edges.get(target.edge), e = data.edgeDetails[target.edge];
      box.appendChild(el("h3", nodes.get(edge.from).label + " → " + e.relation + " → " + nodes.get(edge.to).label));
      list.appendChild(el("dt", "来源句子"));
      evidence(list, e.evidence);
    }
    box.appendChild(list);
  }
  network.on("hoverNode", function (p) { show({ node: p.node }); });
  network.on("hoverEdge", function (p) { show({ edge: p.edge }); });
  network.on("blurNode", function () { show(pinned); });
  network.on("blurEdge", function () { show(pinned); });
  network.on("click", function (p) {
    pinned = p.nodes.length ? { node: p.nodes[0] } : p.edges.length ? { edge: p.edges[0] } : null;
    show(pinned);
  });

  // The kg stats figures of the whole graph.
  var stats = document.getElementById("kg-stats"), f = data.figures;
  var totals = el("table");
  [["节点", f.nodes], ["边", f.edges], ["连通分量", f.components], ["最大分量", f.largest_component],
   ["孤立节点", f.isolated]].forEach(function (pair) {
    var tr = totals.insertRow();
    tr.appendChild(el("th", pair[0]));
    tr.appendChild(el("td", String(pair[1]), "num"));
  });
  stats.appendChild(totals);
  [["连接最多", f.most_connected], [data.titles.Place, f.most_connected_places],
   [data.titles.Programme, f.most_connected_programmes]].forEach(function (pair) {
    var table = el("table");
    table.appendChild(el("caption", pair[0]));
    var head = table.insertRow();
    ["名称", "度", "中心度"].forEach(function (h) { head.appendChild(el("th", h)); });
    pair[1].forEach(function (r) {
      var tr = table.insertRow();
      tr.appendChild(el("td", r.label));
      tr.appendChild(el("td", String(r.degree), "num"));
      tr.appendChild(el("td", r.centrality.toFixed(3), "num"));
    });
    stats.appendChild(table);
  });

  window.kg = { network: network, nodes: nodes, edges: edges };
  if (data.nodes.length) network.once("stabilizationIterationsDone", ready); else ready();
})();
