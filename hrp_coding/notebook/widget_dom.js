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
