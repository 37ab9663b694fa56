// The adjudication view (anywidget ES module): one row per turn, one column per coder, disagreements marked.
// A decision sends the turn, the codes chosen, why, and the sha256 of the text shown.

function el(tag, className, text) {
  const node = document.createElement(tag);
  if (className) node.className = className;
  if (text !== undefined) node.textContent = text;
  return node;
}

function render({ model, el: host }) {
  host.classList.add("hrp-widget");
  const root = el("div", "hrp-root hrp-adjudication");
  root.setAttribute("data-lm-suppress-shortcuts", "true");
  const head = el("div", "hrp-bar");
  const only = el("label", "", "");
  const onlyBox = el("input");
  onlyBox.type = "checkbox";
  onlyBox.checked = true;
  only.append(onlyBox, document.createTextNode(" disagreements only"));
  const title = el("span", "hrp-who");
  head.append(title, only);
  const table = el("div", "hrp-adj-table");
  const status = el("div", "hrp-status");
  root.append(head, table, status);
  host.appendChild(root);
  root.addEventListener("keydown", (event) => { if (!(event.ctrlKey || event.metaKey)) event.stopPropagation(); });

  function chips(codes, list) {
    const box = el("div", "hrp-chips");
    for (const id of list) {
      const code = codes[id] || { name: id, color: "#999999", label: "#000000" };
      const chip = el("span", "hrp-chip", code.name);
      chip.style.background = code.color;
      chip.style.color = code.label;
      box.appendChild(chip);
    }
    if (list.length === 0) box.appendChild(el("span", "hrp-none", "(no code)"));
    return box;
  }

  function draw() {
    const codes = Object.fromEntries(model.get("codes").map((c) => [c.id, c]));
    const [a, b] = model.get("coders");
    const text = model.get("text");
    const turns = model.get("turns");
    title.textContent = `${model.get("transcript")} · ${a} | ${b} · ${turns.filter((t) => t.differ).length} of ${turns.length} turns differ · deciding: ${model.get("who").join(", ")}`;
    table.replaceChildren();
    const header = el("div", "hrp-adj-row hrp-adj-header");
    header.append(el("div", "hrp-adj-text", "turn"), el("div", "hrp-adj-coder", a), el("div", "hrp-adj-coder", b),
                  el("div", "hrp-adj-decide", "consensus"));
    table.appendChild(header);
    for (const t of turns) {
      if (onlyBox.checked && !t.differ && !t.consensus) continue;
      const row = el("div", t.differ ? "hrp-adj-row hrp-disagree" : "hrp-adj-row");
      row.dataset.segment = t.segment;
      const words = text.slice(t.s, t.e);
      const cell = el("div", "hrp-adj-text", `${t.speaker}: ${words.length > 300 ? words.slice(0, 297) + "..." : words}`);
      const decide = el("div", "hrp-adj-decide");
      if (t.consensus) {
        decide.append(chips(codes, t.consensus.codes), el("div", "hrp-adj-why", `${t.consensus.who}: ${t.consensus.why}`));
      }
      const union = [...new Set([...t.a, ...t.b])].sort();
      const boxes = union.map((id) => {
        const label = el("label", "hrp-adj-choice");
        const box = el("input");
        box.type = "checkbox";
        box.value = id;
        box.checked = t.a.includes(id) && t.b.includes(id);
        label.append(box, document.createTextNode(" " + ((codes[id] || { name: id }).name)));
        decide.appendChild(label);
        return box;
      });
      const why = el("input", "hrp-adj-why-input");
      why.placeholder = "why (required)";
      const record = el("button", "hrp-adj-record", t.consensus ? "record again" : "record consensus");
      const send = () => {
        if (!why.value.trim()) { status.textContent = "Say why before recording the consensus."; return; }
        model.send({ action: "decide", segment: t.segment, codes: boxes.filter((x) => x.checked).map((x) => x.value),
                     why: why.value, sha: model.get("text_sha") });
      };
      record.addEventListener("click", send);
      why.addEventListener("keydown", (event) => { if (event.key === "Enter") { event.preventDefault(); send(); } });
      decide.append(why, record);
      row.append(cell, chips(codes, t.a), chips(codes, t.b), decide);
      table.appendChild(row);
    }
  }

  onlyBox.addEventListener("change", draw);
  model.on("change:turns", draw);
  model.on("change:codes", draw);
  model.on("change:status", () => { status.textContent = model.get("status"); });
  draw();
  status.textContent = model.get("status");
}

export default { render };
