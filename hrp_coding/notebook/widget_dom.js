// DOM and text helpers of the coding widget (prepended to widget.js by widget.py: one ES module for anywidget).

function tint(color, alpha) {
  return /^#[0-9a-fA-F]{6}$/.test(color) ? color + alpha : color;
}

async function sha256(text) {
  if (!(window.crypto && window.crypto.subtle)) return null; // not a secure context: the kernel's hash is echoed
  const digest = await window.crypto.subtle.digest("SHA-256", new TextEncoder().encode(text));
  return Array.from(new Uint8Array(digest)).map((b) => b.toString(16).padStart(2, "0")).join("");
}

// {field: [values...]} (a snapshot's codings sent as columns) -> [{field: value}, ...]
function fromColumns(cols) {
  const fields = Object.keys(cols);
  const n = fields.length ? cols[fields[0]].length : 0;
  const out = new Array(n);
  for (let i = 0; i < n; i++) {
    const item = {};
    for (const f of fields) item[f] = cols[f][i];
    out[i] = item;
  }
  return out;
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

// The most spans covering one offset: as many margin lanes at least will be needed.
function overlapDepth(spans) {
  const ends = [];
  for (const span of spans) ends.push([span.s, 1], [span.e, -1]);
  ends.sort((a, b) => (a[0] - b[0]) || (a[1] - b[1]));
  let depth = 0, most = 0;
  for (const [, step] of ends) { depth += step; most = Math.max(most, depth); }
  return most;
}

// Margin lanes of coding stripes: ``take(y1, y2)`` gives the first lane with no stripe within 2 px of [y1, y2]
// (and keeps it there), ``free(lane, y1, y2)`` gives it back. Each lane's stripes are disjoint, kept sorted by
// top: only the one starting last before y2 can overlap, found by binary search (1,500 stripes in a few ms).
function stripeLanes() {
  const lanes = []; // per lane [[y1, y2], ...] sorted by y1
  const below = (lane, y) => { // first index whose top is >= y
    let lo = 0, hi = lane.length;
    while (lo < hi) { const mid = (lo + hi) >> 1; if (lane[mid][0] < y) lo = mid + 1; else hi = mid; }
    return lo;
  };
  return {
    take(y1, y2) {
      for (let i = 0; i <= lanes.length; i++) {
        if (i === lanes.length) lanes.push([]);
        const lane = lanes[i];
        const at = below(lane, y2 + 2);
        if (at === 0 || lane[at - 1][1] + 2 <= y1) { lane.splice(below(lane, y1), 0, [y1, y2]); return i; }
      }
      return lanes.length - 1; // not reached
    },
    free(i, y1, y2) {
      const lane = lanes[i];
      if (!lane) return;
      for (let at = below(lane, y1); at < lane.length && lane[at][0] === y1; at++) {
        if (lane[at][1] === y2) { lane.splice(at, 1); return; }
      }
    },
  };
}

// The margin beside the text, in lanes of 16 px. ``place(item, [y1, y2])`` gives a coding's item its lane and y
// (kept in the item); ``layout(items)`` measures (``measure(item)``) and lanes them all again, and again while
// that widens the margin: a wider margin re-wraps the text narrower, so what was measured before is stale (a
// pass or two; the margin never narrows within one layout, so it ends). ``tooNarrow()``: a placed item needs a
// lane the margin has not. ``position(item)`` moves its stripe element to its lane and y.
function marginLanes(margin, measure) {
  let lanes = stripeLanes();
  let used = 0;
  const width = (n) => n * 16 + 2;
  const place = (item, [y1, y2]) => {
    const lane = lanes.take(y1, y2);
    Object.assign(item, { lane, y1, y2 });
    used = Math.max(used, lane + 1);
  };
  const position = (item) => {
    item.stripe.style.top = `${item.y1}px`;
    item.stripe.style.height = `${item.y2 - item.y1}px`;
    item.stripe.style.right = `${item.lane * 16}px`;
  };
  const order = (a, b) => (b.span.mine - a.span.mine) || (a.span.s - b.span.s) || (b.span.e - a.span.e);
  return {
    place,
    position,
    free(item) { lanes.free(item.lane, item.y1, item.y2); },
    reset(depth) { lanes = stripeLanes(); used = 0; margin.replaceChildren(); margin.style.width = `${width(depth)}px`; },
    tooNarrow() { return width(used) > parseFloat(margin.style.width); },
    layout(all) {
      const items = [...all].sort(order); // mine first, then in text order
      for (let pass = 0; pass < 8; pass++) {
        const before = margin.style.width;
        const ys = items.map(measure); // all reads first: one layout
        lanes = stripeLanes();
        used = 0;
        items.forEach((item, i) => place(item, ys[i]));
        margin.style.width = `${Math.max(width(used), parseFloat(before) || 0)}px`;
        if (margin.style.width === before) break;
      }
      for (const item of items) if (item.stripe) position(item);
    },
  };
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
