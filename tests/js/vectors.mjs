// Checking one vector (resources/FORMAT.md) against a Result; shared by Node and browser runs.

/** A list of problems (empty when the result meets the vector). */
export function problemsWith(vector, result, error) {
  if (vector.error) {
    if (!error) return ["expected BadInput, got a result"];
    return error.name === "BadInput" ? [] : [`expected BadInput, got ${error.name}: ${error.message}`];
  }
  if (error) return [`unexpected ${error.name}: ${error.message}`];
  const ids = result.routes.map((r) => r.id);
  const problems = [];
  for (const id of vector.must ?? []) if (!ids.includes(id)) problems.push(`missing route ${id}`);
  for (const id of vector.must_not ?? []) if (ids.includes(id)) problems.push(`forbidden route ${id}`);
  if (vector.first !== undefined && ids[0] !== vector.first) problems.push(`first is ${ids[0]}, not ${vector.first}`);
  for (const [a, b] of vector.before ?? []) {
    if (!(ids.includes(a) && ids.includes(b) && ids.indexOf(a) < ids.indexOf(b))) problems.push(`${a} not before ${b}`);
  }
  const warnings = result.warnings.map((w) => w.id);
  for (const id of vector.warnings ?? []) if (!warnings.includes(id)) problems.push(`missing warning ${id}`);
  const steps = result.procedure.map((s) => s.id);
  for (const id of vector.procedure ?? []) if (!steps.includes(id)) problems.push(`missing procedure step ${id}`);
  for (const id of vector.procedure_not ?? []) if (steps.includes(id)) problems.push(`forbidden procedure step ${id}`);
  const byId = new Map(result.routes.map((r) => [r.id, r]));
  for (const [id, text] of Object.entries(vector.conditions ?? {})) {
    const got = byId.get(id);
    if (!got) problems.push(`missing route ${id} (for its condition)`);
    else if (got.condition !== text) problems.push(`condition of ${id} is ${JSON.stringify(got.condition)}, not ${JSON.stringify(text)}`);
  }
  for (const id of vector.limited ?? []) {
    if (!(byId.get(id)?.limits?.length > 0)) problems.push(`route ${id} has no limits`);
  }
  for (const r of result.routes) {
    for (const key of ["id", "name", "url", "phone", "hours", "why", "steps", "condition", "limits"]) {
      if (!(key in r)) problems.push(`route ${r.id} has no ${key}`);
    }
  }
  if ("platform" in vector && result.platform !== vector.platform) problems.push(`platform ${result.platform}, not ${vector.platform}`);
  return problems;
}
