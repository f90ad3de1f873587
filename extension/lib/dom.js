// Building the page from data. Text from the knowledge base is untrusted on principle, so it is
// only ever set with textContent: a planted `<img onerror=…>` shows as the characters it is.

/** A new element with optional text, class, attributes and children. */
export function el(tag, { text, className, attrs } = {}, children = []) {
  const node = document.createElement(tag);
  if (text !== undefined && text !== null) node.textContent = text;
  if (className) node.className = className;
  for (const [name, value] of Object.entries(attrs ?? {})) {
    if (value !== undefined && value !== null && value !== false) node.setAttribute(name, String(value));
  }
  for (const child of children) if (child) node.append(child);
  return node;
}

/** A button that calls `onClick`; `name` is a stable test and telemetry-free handle. */
export function button(text, onClick, { className = "choice", name } = {}) {
  const node = el("button", { text, className, attrs: { type: "button", "data-name": name } });
  node.addEventListener("click", onClick);
  return node;
}
