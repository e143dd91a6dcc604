// The Echelon demo page. Plain ES module, no build step: it uses the
// wasm-bindgen bundle of `browser/` from wherever it was built —
//   * `echelon serve --pkg DIR` (what `cargo xtask serve` and the tests do):
//     the bundle is imported from /pkg/echelon_browser.js;
//   * `trunk serve`: trunk loads the bundle itself and publishes it as
//     `window.wasmBindings`, announcing it with `TrunkApplicationStarted`.
//
// `window.echelon` exposes the loaded bindings and the plain-JS renderer, so
// that the end-to-end test can call them from WebDriver.

const $ = (id) => document.getElementById(id);

function show(id, text, kind) {
  const el = $(id);
  el.textContent = text;
  el.classList.toggle("error", kind === "error");
  el.classList.toggle("ok", kind === "ok");
}

function message(err) {
  if (err instanceof Error) return err.message;
  if (err && typeof err === "object" && "message" in err) return String(err.message);
  return String(err);
}

async function loadBindings() {
  if (window.wasmBindings) return window.wasmBindings;
  const trunk = document.querySelector('link[rel="modulepreload"][href*="echelon_browser"], script[type="module"]:not([src])');
  if (trunk) {
    return new Promise((resolve) => {
      addEventListener("TrunkApplicationStarted", () => resolve(window.wasmBindings), { once: true });
    });
  }
  const bundle = await import("/pkg/echelon_browser.js");
  await bundle.default();
  return bundle;
}

// ---------------------------------------------------------------- user form

/// "valid" or the messages joined, whichever side produced them.
function canonical(verdict) {
  if (verdict === "valid") return "valid";
  return verdict.join("; ");
}

function userJson() {
  const ageText = $("user-age").value.trim();
  const user = { name: $("user-name").value, email: $("user-email").value, age: ageText === "" ? null : Number(ageText) };
  return JSON.stringify(user);
}

async function validateOnServer(json) {
  const response = await fetch("/users", { method: "POST", headers: { "content-type": "application/json" }, body: json });
  const body = await response.json().catch(() => null);
  if (response.ok && body && body.success) return "valid";
  if (response.status === 400 && body && Array.isArray(body.errors)) return body.errors;
  const why = body && body.error ? `${body.error.kind}: ${body.error.message}` : `HTTP ${response.status}`;
  throw new Error(`the server could not validate: ${why}`);
}

function setupUserForm(b) {
  $("user-form").addEventListener("submit", async (event) => {
    event.preventDefault();
    const json = userJson();
    const t0 = performance.now();
    const local = b.validate_user(json);
    const localMs = performance.now() - t0;
    const browserVerdict = local === "valid" ? "valid" : JSON.parse(local);
    show("user-browser", `${canonical(browserVerdict)}  (${localMs.toFixed(2)} ms)`, browserVerdict === "valid" ? "ok" : "error");
    show("user-server", "asking the server…");
    show("user-agree", "");
    try {
      const t1 = performance.now();
      const serverVerdict = await validateOnServer(json);
      const serverMs = performance.now() - t1;
      show("user-server", `${canonical(serverVerdict)}  (${serverMs.toFixed(1)} ms round trip)`, serverVerdict === "valid" ? "ok" : "error");
      const same = canonical(serverVerdict) === canonical(browserVerdict);
      show("user-agree", same ? "same verdict" : "DIFFERENT verdicts", same ? "ok" : "error");
    } catch (err) {
      show("user-server", message(err), "error");
    }
  });
}

// --------------------------------------------------------------- Mandelbrot

// The same algorithm and palette as echelon_shared::compute::mandelbrot_into,
// written as ordinary JavaScript: the baseline the WASM renderer is timed
// against.
function mandelbrotJs(pixels, width, height, maxIterations, centerX = -0.5, centerY = 0, viewWidth = 3.5) {
  const scale = viewWidth / width;
  const top = centerY - (scale * height) / 2;
  const left = centerX - viewWidth / 2;
  let i = 0;
  for (let y = 0; y < height; y++) {
    const ci = top + y * scale;
    for (let x = 0; x < width; x++) {
      const cr = left + x * scale;
      let zr = 0, zi = 0, n = 0;
      while (n < maxIterations && zr * zr + zi * zi <= 4) {
        const t = zr * zr - zi * zi + cr;
        zi = 2 * zr * zi + ci;
        zr = t;
        n++;
      }
      if (n >= maxIterations) {
        pixels[i] = 0; pixels[i + 1] = 0; pixels[i + 2] = 0;
      } else {
        const t = n / maxIterations;
        pixels[i] = 9 * (1 - t) * t * t * t * 255;
        pixels[i + 1] = 15 * (1 - t) * (1 - t) * t * t * 255;
        pixels[i + 2] = 8.5 * (1 - t) * (1 - t) * (1 - t) * t * 255;
      }
      pixels[i + 3] = 255;
      i += 4;
    }
  }
}

function drawMandelbrotJs(canvasId, maxIterations) {
  const t0 = performance.now();
  const canvas = $(canvasId);
  const context = canvas.getContext("2d");
  const image = context.createImageData(canvas.width, canvas.height);
  mandelbrotJs(image.data, canvas.width, canvas.height, maxIterations);
  context.putImageData(image, 0, 0);
  return performance.now() - t0;
}

function iterations() {
  const n = Number($("mandel-iterations").value);
  if (!Number.isInteger(n) || n < 1 || n > 100000) throw new Error("max iterations must be a whole number from 1 to 100000");
  return n;
}

function setupMandelbrot(b) {
  const wasmMs = (n) => b.draw_mandelbrot("mandelbrot", n);
  const jsMs = (n) => drawMandelbrotJs("mandelbrot", n);
  const ratio = () => {
    const w = Number($("mandel-wasm-ms").dataset.ms), j = Number($("mandel-js-ms").dataset.ms);
    if (w > 0 && j > 0) show("mandel-ratio", `${(j / w).toFixed(2)}x (JS time / WASM time)`);
  };
  const record = (id, ms) => { $(id).dataset.ms = String(ms); show(id, `${ms.toFixed(1)} ms`); };
  const guarded = (f) => () => { try { f(); } catch (err) { show("mandel-ratio", message(err), "error"); } };
  $("mandel-wasm").addEventListener("click", guarded(() => { record("mandel-wasm-ms", wasmMs(iterations())); ratio(); }));
  $("mandel-js").addEventListener("click", guarded(() => { record("mandel-js-ms", jsMs(iterations())); ratio(); }));
  $("mandel-compare").addEventListener("click", guarded(() => {
    const n = iterations();
    // One warm-up each (JIT tiers, wasm tier-up), then the best of three.
    jsMs(n); wasmMs(n);
    const best = (f) => Math.min(f(n), f(n), f(n));
    record("mandel-js-ms", best(jsMs));
    record("mandel-wasm-ms", best(wasmMs));
    ratio();
  }));
  record("mandel-wasm-ms", wasmMs(iterations()));
}

// -------------------------------------------------------------------- image

function setupImage(b) {
  let source = null; // { pixels, width, height }
  const canvas = $("image-canvas");
  const paint = (pixels, width, height) => {
    canvas.width = width;
    canvas.height = height;
    canvas.getContext("2d").putImageData(new ImageData(new Uint8ClampedArray(pixels), width, height), 0, 0);
  };
  $("image-file").addEventListener("change", async () => {
    const file = $("image-file").files[0];
    if (!file) return;
    try {
      const bitmap = await createImageBitmap(file);
      const scratch = new OffscreenCanvas(bitmap.width, bitmap.height);
      const context = scratch.getContext("2d");
      context.drawImage(bitmap, 0, 0);
      const data = context.getImageData(0, 0, bitmap.width, bitmap.height);
      source = { pixels: new Uint8Array(data.data.buffer), width: bitmap.width, height: bitmap.height };
      paint(source.pixels, source.width, source.height);
      $("image-width").value = Math.max(1, Math.round(source.width / 2));
      $("image-height").value = Math.max(1, Math.round(source.height / 2));
      $("image-gray").disabled = $("image-resize").disabled = false;
      show("image-info", `${file.name}: ${source.width}x${source.height}`);
    } catch (err) {
      show("image-info", `cannot read ${file.name} as an image: ${message(err)}`, "error");
    }
  });
  $("image-gray").addEventListener("click", () => {
    try {
      const t0 = performance.now();
      const out = b.apply_grayscale(source.pixels, source.width, source.height);
      const ms = performance.now() - t0;
      paint(out, source.width, source.height);
      show("image-info", `grayscale ${source.width}x${source.height} in ${ms.toFixed(1)} ms (WASM)`, "ok");
    } catch (err) {
      show("image-info", message(err), "error");
    }
  });
  $("image-resize").addEventListener("click", () => {
    try {
      const w = Number($("image-width").value), h = Number($("image-height").value);
      const t0 = performance.now();
      const out = b.resize_image(source.pixels, source.width, source.height, w, h);
      const ms = performance.now() - t0;
      paint(out, w, h);
      show("image-info", `resized ${source.width}x${source.height} to ${w}x${h} (Lanczos3) in ${ms.toFixed(1)} ms (WASM)`, "ok");
    } catch (err) {
      show("image-info", message(err), "error");
    }
  });
}

// ---------------------------------------------------------------- WebSocket

function setupStream(b) {
  let client = null;
  const log = (text, kind) => {
    const li = document.createElement("li");
    li.textContent = text;
    if (kind) li.className = kind;
    $("stream-log").append(li);
    li.scrollIntoView({ block: "nearest" });
  };
  const connected = (on) => {
    $("stream-connect").disabled = on;
    $("stream-send").disabled = $("stream-close").disabled = !on;
  };
  $("stream-connect").addEventListener("click", async () => {
    const url = new URL("/stream", location.href);
    url.protocol = url.protocol === "https:" ? "wss:" : "ws:";
    try {
      client = new b.WsClient(url.href);
      let sentAt = 0;
      client.on_message((data) => {
        const text = typeof data === "string" ? data : `${data.length} bytes`;
        log(`← ${text}  (${(performance.now() - sentAt).toFixed(1)} ms)`, text.startsWith('{"error"') ? "error" : "ok");
      });
      client.on_error(() => log("the connection failed (is the stream module loaded?)", "error"));
      $("stream-send").onclick = () => {
        sentAt = performance.now();
        client.send($("stream-text").value);
        log(`→ ${$("stream-text").value}`);
      };
      await client.opened();
      connected(true);
      log(`connected to ${url.href}`);
    } catch (err) {
      log(`cannot connect: ${message(err)}`, "error");
    }
  });
  $("stream-close").addEventListener("click", () => {
    if (client) { client.close(); client.free(); client = null; }
    connected(false);
    log("closed");
  });
}

// --------------------------------------------------------------- playground

// Examples for the playground; strings cross the boundary as UTF-8 through
// the module's echelon:abi section, so BrowserRuntime.call takes and returns
// JavaScript strings.
const PLAYGROUND_EXAMPLES = {
  numbers: {
    args: "[20]",
    code: `export function fib(n: i32): i32 {
  let a: i32 = 0;
  let b: i32 = 1;
  for (let i: i32 = 0; i < n; i++) {
    const t: i32 = a + b;
    a = b;
    b = t;
  }
  return a;
}`,
  },
  strings: {
    args: '["Ada Lovelace"]',
    code: `export function greet(name: string): string {
  const first = name.indexOf(" ") < 0 ? name : name.substring(0, name.indexOf(" "));
  let vowels = 0;
  for (let i = 0; i < name.length; i++) {
    switch (name.charCodeAt(i) | 32) {
      case 97: case 101: case 105: case 111: case 117:
        vowels++;
    }
  }
  return \`Hello, \${first.toUpperCase()}! "\${name}" has \${name.length} UTF-16 units and \${vowels} vowels.\`;
}`,
  },
};

function setupPlayground(b) {
  let runtime = null;
  $("play-example").addEventListener("change", () => {
    const example = PLAYGROUND_EXAMPLES[$("play-example").value];
    $("play-code").value = example.code;
    $("play-args").value = example.args;
  });
  $("play-compile").addEventListener("click", async () => {
    show("play-compile-info", "compiling on the server…");
    $("play-result").textContent = "";
    $("play-run").disabled = $("play-func").disabled = true;
    try {
      const t0 = performance.now();
      const response = await fetch("/api/generate", {
        method: "POST",
        headers: { "content-type": "application/json" },
        body: JSON.stringify({ type: "typescript", code: $("play-code").value, options: { optimize: true, optimizationLevel: "speed" } }),
      });
      const result = await response.json();
      if (!response.ok) throw new Error(result.error ? result.error.message : `HTTP ${response.status}`);
      if (!result.success) {
        show("play-compile-info", result.errors.map((d) => `line ${d.line}, column ${d.column}: ${d.message}`).join("\n"), "error");
        return;
      }
      const bytes = Uint8Array.from(atob(result.wasm), (c) => c.charCodeAt(0));
      if (runtime) runtime.free();
      runtime = await b.BrowserRuntime.load_bytes(bytes);
      const select = $("play-func");
      select.replaceChildren(...runtime.functions().filter((f) => !f.startsWith("__")).map((f) => new Option(f, f)));
      select.disabled = $("play-run").disabled = select.options.length === 0;
      show("play-compile-info", `${bytes.length} bytes of WASM in ${(performance.now() - t0).toFixed(0)} ms; exports: ${runtime.functions().join(", ")}`, "ok");
    } catch (err) {
      show("play-compile-info", message(err), "error");
    }
  });
  $("play-run").addEventListener("click", () => {
    try {
      const args = JSON.parse($("play-args").value || "[]");
      if (!Array.isArray(args)) throw new Error("arguments must be a JSON array, e.g. [20]");
      const name = $("play-func").value;
      const t0 = performance.now();
      const value = runtime.call(name, args);
      const ms = performance.now() - t0;
      const shown = typeof value === "string" ? JSON.stringify(value) : value;
      $("play-result").textContent = `${name}(${args.map((a) => JSON.stringify(a)).join(", ")}) = ${shown}    (${ms.toFixed(2)} ms)`;
      $("play-result").className = "ok";
    } catch (err) {
      $("play-result").textContent = message(err);
      $("play-result").className = "error";
    }
  });
}

// --------------------------------------------------------------------- main

const ready = (async () => {
  try {
    const b = await loadBindings();
    window.echelon = { bindings: b, mandelbrotJs, drawMandelbrotJs };
    setupUserForm(b);
    setupMandelbrot(b);
    setupImage(b);
    setupStream(b);
    setupPlayground(b);
    show("status", "WebAssembly bundle loaded: every demo runs the shared Rust crate in this page.", "ok");
    document.body.dataset.ready = "true";
  } catch (err) {
    show("status", `Could not load the WebAssembly bundle: ${message(err)}. Build it with \`cargo xtask serve\` (or \`trunk serve\`).`, "error");
    document.body.dataset.ready = "error";
  }
})();
window.echelonReady = ready;
