// Building the page: elements and text nodes only. Nothing here (or anywhere in the cabinet) assigns
// innerHTML, outerHTML or insertAdjacentHTML, so a remark like `<img src=x onerror=…>` stays text.

/**
 * h("p", {class: "note"}, "text", childNode, [more]) → HTMLElement.
 * attrs: `class`, `for`, aria-*, data-*, boolean attributes (true/false), `on<event>` handlers.
 * Children: strings and numbers become text nodes; null/undefined/false are skipped; arrays are flattened.
 */
export function h(tag, attrs = {}, ...children) {
  const node = document.createElement(tag);
  setAttributes(node, attrs);
  append(node, children);
  return node;
}

const SVG_NS = "http://www.w3.org/2000/svg";

/** The same for SVG (charts): svg("line", {x1: 0, …}). */
export function svg(tag, attrs = {}, ...children) {
  const node = document.createElementNS(SVG_NS, tag);
  setAttributes(node, attrs);
  append(node, children);
  return node;
}

function setAttributes(node, attrs) {
  for (const [name, value] of Object.entries(attrs || {})) {
    if (value === undefined || value === null || value === false) continue;
    if (name.startsWith("on") && typeof value === "function") {
      node.addEventListener(name.slice(2).toLowerCase(), value);
    } else if (value === true) {
      node.setAttribute(name, "");
    } else {
      node.setAttribute(name, String(value));
    }
  }
}

/** Appends children (strings as text nodes). */
export function append(node, children) {
  for (const child of [children].flat(Infinity)) {
    if (child === undefined || child === null || child === false) continue;
    node.append(child instanceof Node ? child : document.createTextNode(String(child)));
  }
  return node;
}

/** Empties a node and puts the given children in. */
export function replace(node, ...children) {
  node.replaceChildren();
  return append(node, children);
}
