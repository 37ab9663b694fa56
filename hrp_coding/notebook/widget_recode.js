// The coder's recode queue in the coding widget (prepended to widget.js by widget.py): codings whose code was split
// or retired, each with its old code, its quote (click: shown in the text) and one button per code it may take.

function recodePanel(box, { codes, text, jump, recode }) {
  return {
    draw(queue) {
      box.replaceChildren();
      if (!queue || queue.length === 0) return;
      box.appendChild(el("h4", "", `Waiting for recoding (${queue.length})`));
      const live = codes();
      for (const q of queue) {
        const row = el("div", "hrp-recode");
        row.dataset.id = q.id;
        const quote = text().slice(q.s, q.e);
        const label = el("span", "hrp-jump", `${q.code} (split or retired): "${quote.length > 50 ? quote.slice(0, 47) + "..." : quote}"`);
        label.title = "click to show it in the text";
        label.addEventListener("click", () => jump(q.s, q.e));
        row.appendChild(label);
        const choices = q.candidates.length ? q.candidates : Object.keys(live);
        for (const id of choices) {
          const button = el("button", "hrp-recode-to", (live[id] || { name: id }).name);
          button.dataset.code = id;
          button.title = `recode this passage as ${(live[id] || { name: id }).name} (undo puts it back here)`;
          button.addEventListener("click", () => recode(q.id, id));
          row.appendChild(button);
        }
        box.appendChild(row);
      }
    },
  };
}
