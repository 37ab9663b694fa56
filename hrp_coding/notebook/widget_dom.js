// DOM and text helpers of the coding widget (prepended to widget.js by widget.py: one ES module for anywidget).

function tint(color, alpha) {
  return /^#[0-9a-fA-F]{6}$/.test(color) ? color + alpha : color;
}

async function sha256(text) {
  if (!(window.crypto && window.crypto.subtle)) return null; // not a secure context: the kernel's hash is echoed
  const digest = await window.crypto.subtle.digest("SHA-256", new TextEncoder().encode(text));
  return Array.from(new Uint8Array(digest)).map((b) => b.toString(16).padStart(2, "0")).join("");
}

function el(tag, className, text) {
  const node = document.createElement(tag);
  if (className) node.className = className;
  if (text !== undefined) node.textContent = text;
  return node;
}

// UTF-16 offset of (node, offset) inside the text box, or null when the point is outside it
const chunkStart = new WeakMap(); // text node of the text box -> its UTF-16 offset in the text

function offsetIn(box, node, offset) {
  if (!box.contains(node)) return null;
  if (chunkStart.has(node)) return chunkStart.get(node) + offset;
  const before = document.createRange();
  before.selectNodeContents(box);
  before.setEnd(node, offset);
  return before.toString().length;
}

// Fill the text box with ``text`` cut into text nodes at line ends about every 800 units (measuring a position
// then lays out one short node); returns [[start, node], ...].
function cutText(box, text) {
  const chunks = [];
  const frag = document.createDocumentFragment();
  let at = 0;
  while (at < text.length) {
    let cut = text.indexOf("\n", at + 800);
    cut = cut < 0 ? text.length : cut + 1;
    const node = document.createTextNode(text.slice(at, cut));
    chunkStart.set(node, at);
    chunks.push([at, node]);
    frag.appendChild(node);
    at = cut;
  }
  box.replaceChildren(frag);
  return chunks;
}

// [node, offset] of UTF-16 offset ``pos`` (binary search over the chunks)
function pointIn(chunks, box, pos) {
  if (!chunks.length) return [box, 0];
  let lo = 0;
  let hi = chunks.length - 1;
  while (lo < hi) {
    const mid = (lo + hi + 1) >> 1;
    if (chunks[mid][0] <= pos) lo = mid; else hi = mid - 1;
  }
  const [start, node] = chunks[lo];
  if (pos - start === node.length && lo + 1 < chunks.length) return [chunks[lo + 1][1], 0];
  return [node, pos - start];
}

// A list whose rows are built only when they scroll near view (a long codings list then costs one page at first
// draw). ``items`` stay in ``before`` order; ``keep`` filters them; ``make`` builds an item's row. Rows for
// items[0..upto) exist (those kept); the next page is built when ``sentinel`` comes within 600 px of ``scroller``.
// A row rebuilt (its coding redrawn, its memo saved say) keeps what the coder is typing in its input, and the focus.
function lazyRows(box, scroller, { before, keep, make, page = 60 }) {
  let items = [];
  let upto = 0;
  const rowOf = new Map(); // item id -> its row, for the rows built
  let held = null; // { id, value } of the input typed in when its row was dropped
  const hold = () => {
    const typing = document.activeElement;
    const row = typing && typing.matches("input") && box.contains(typing) ? typing.closest("[data-id]") : null;
    if (row) held = { id: row.dataset.id, value: typing.value };
  };
  const regain = () => {
    const input = held && rowOf.has(held.id) ? rowOf.get(held.id).querySelector("input") : null;
    if (input) { input.value = held.value; input.focus({ preventScroll: true }); }
    held = null;
  };
  const sentinel = el("div", "hrp-more");
  box.after(sentinel);
  const watch = typeof IntersectionObserver === "undefined" ? null : new IntersectionObserver((seen) => {
    if (seen.some((e) => e.isIntersecting)) more();
  }, { root: scroller, rootMargin: "0px 0px 600px 0px" });
  const rewatch = () => { if (watch) { watch.unobserve(sentinel); if (upto < items.length) watch.observe(sentinel); } };
  const at = (item) => { // first index not before ``item``
    let lo = 0, hi = items.length;
    while (lo < hi) { const mid = (lo + hi) >> 1; if (before(items[mid], item)) lo = mid + 1; else hi = mid; }
    return lo;
  };
  function more() {
    const frag = document.createDocumentFragment();
    let made = 0;
    while (upto < items.length && (made < page || !watch)) {
      const item = items[upto++];
      if (!keep(item)) continue;
      const row = make(item);
      rowOf.set(item.id, row);
      frag.appendChild(row);
      made += 1;
    }
    box.appendChild(frag);
    rewatch(); // observing again reports at once whether the sentinel is still near view
  }
  return {
    reset(ordered) { items = ordered; this.refilter(); },
    refilter() { hold(); rowOf.clear(); box.replaceChildren(); upto = 0; more(); regain(); },
    put(item) {
      const i = at(item);
      const complete = upto === items.length;
      items.splice(i, 0, item);
      if (i < upto || complete) { // else built when scrolled to
        upto += 1;
        if (keep(item)) {
          let next = null;
          for (let j = i + 1; j < upto && !next; j++) next = rowOf.get(items[j].id) || null;
          const row = make(item);
          rowOf.set(item.id, row);
          box.insertBefore(row, next);
        }
      }
      regain();
    },
    drop(item) {
      let i = at(item);
      while (i < items.length && items[i].id !== item.id) i += 1;
      if (i === items.length) return;
      items.splice(i, 1);
      if (i < upto) upto -= 1;
      const row = rowOf.get(item.id);
      if (row) { if (row.contains(document.activeElement)) hold(); row.remove(); rowOf.delete(item.id); }
      rewatch();
    },
  };
}
