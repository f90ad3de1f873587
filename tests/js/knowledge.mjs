// Test helper: the knowledge base straight from resources/ (what `waymark build-extension` ships).
import { existsSync, readFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { FILES, LATER } from "../../extension/lib/knowledge.js";

export const ROOT = join(dirname(fileURLToPath(import.meta.url)), "..", "..");
const RESOURCES = process.env.WAYMARK_RESOURCES ?? join(ROOT, "resources");

export function readJson(name) {
  return JSON.parse(readFileSync(join(RESOURCES, name), "utf8"));
}

export function knowledgeBase() {
  const names = FILES.filter((name) => !LATER.has(name)); // what the popup routes with
  return Object.fromEntries(names.map((n) => [n, readJson(`${n}.json`)]));
}

export function vectors() {
  const path = join(RESOURCES, "vectors.json");
  return existsSync(path) ? JSON.parse(readFileSync(path, "utf8")) : null;
}
