import Model

/// `GET /docs`: a self-contained HTML page (no CDN, no external files) describing the API,
/// with the feature table and a form that calls `/predict` with `fetch()`.
enum DocsPage {
  static func html(for model: Model, version: String) -> [UInt8] {
    let s = model.signature
    var rows = ""
    var inputs = ""
    for f in s.features {
      let range: String
      switch (f.minimum, f.maximum) {
      case (let lo?, let hi?): range = "\(formatNumber(lo)) – \(formatNumber(hi))"
      case (let lo?, nil): range = "≥ \(formatNumber(lo))"
      case (nil, let hi?): range = "≤ \(formatNumber(hi))"
      default: range = f.categories.map { $0.joined(separator: ", ") } ?? ""
      }
      let example = exampleText(for: f)
      rows += "<tr><td><code>\(escape(f.name))</code></td><td>\(escape(f.type.description))</td>"
      rows += "<td>\(escape(range))</td><td>\(escape(f.defaultValue.map { "\($0)" } ?? "required"))</td>"
      rows += "<td>\(escape(f.unit ?? ""))</td><td>\(escape(f.description ?? ""))</td></tr>\n"
      let kind: String
      switch f.type {
      case .number, .integer: kind = "number"
      case .boolean: kind = "bool"
      default: kind = "text"
      }
      let step = f.type == .integer ? "1" : "any"
      let bounds =
        (f.minimum.map { " min=\"\(formatNumber($0))\"" } ?? "")
        + (f.maximum.map { " max=\"\(formatNumber($0))\"" } ?? "")
      let inputType = kind == "number" ? "number\" step=\"\(step)\"\(bounds)" : "text\""
      inputs +=
        "<label>\(escape(f.name)) <input name=\"\(escape(f.name))\" data-kind=\"\(kind)\" type=\"\(inputType) value=\"\(escape(example.trimmingQuotes))\"></label>\n"
    }
    let classes = s.classLabels.map { escape($0.description) }.joined(separator: ", ")
    let name = escape(model.name)
    let page = """
      <!doctype html>
      <html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
      <title>fathom: \(name)</title>
      <style>
      body{font:15px/1.5 system-ui,sans-serif;max-width:60rem;margin:2rem auto;padding:0 1rem;color:#222}
      code,pre{font-family:ui-monospace,monospace;background:#f4f4f4;border-radius:3px;padding:0 .2em}
      pre{padding:.8em;overflow:auto}table{border-collapse:collapse;width:100%}
      td,th{border-bottom:1px solid #ddd;padding:.3em .5em;text-align:left;vertical-align:top}
      form{display:grid;grid-template-columns:repeat(auto-fill,minmax(14rem,1fr));gap:.5em 1em}
      label{display:flex;flex-direction:column;font-size:.9em}input{font:inherit;padding:.2em}
      button{font:inherit;padding:.3em 1em;margin-top:.5em}.m{font-weight:bold;display:inline-block;width:4em}
      </style></head><body>
      <h1>fathom: \(name)</h1>
      <p>\(escape(sentence(s.description ?? "A \(s.task.rawValue) model"))) Version <code>\(escape(version))</code>.
      \(classes.isEmpty ? "" : "Classes: \(classes).")</p>
      <h2>Endpoints</h2>
      <ul>
      <li><span class="m">POST</span><code>/predict</code> — features as a JSON object; a batch as <code>{"instances": [...]}</code>; or CSV with a header</li>
      <li><span class="m">GET</span><code>/model</code> — the model's signature and schema</li>
      <li><span class="m">GET</span><a href="/openapi.json"><code>/openapi.json</code></a> — OpenAPI 3.1</li>
      <li><span class="m">GET</span><code>/health</code>, <code>/ready</code>, <a href="/metrics"><code>/metrics</code></a></li>
      <li><span class="m">GET</span><code>/v2</code>, <code>/v2/health/live</code>, <code>/v2/health/ready</code>, <code>/v2/models/\(name)</code>, <code>/v2/models/\(name)/ready</code></li>
      <li><span class="m">POST</span><code>/v2/models/\(name)/infer</code> — Open Inference Protocol V2</li>
      </ul>
      <p>Invalid input is answered with status 422 and FastAPI's body: <code>{"detail": [{"type", "loc", "msg", "input", "ctx"}]}</code>.</p>
      <h2>Features</h2>
      <table><thead><tr><th>name</th><th>type</th><th>range</th><th>default</th><th>unit</th><th>description</th></tr></thead>
      <tbody>
      \(rows)</tbody></table>
      <h2>Try it</h2>
      <form id="predict">
      \(inputs)<label>API key (if required) <input name="__key" type="password" autocomplete="off"></label>
      <div><button type="submit">POST /predict</button></div>
      </form>
      <pre id="result">The answer appears here.</pre>
      <script>
      document.getElementById('predict').addEventListener('submit', async (event) => {
        event.preventDefault();
        const body = {};
        let key = '';
        for (const input of event.target.querySelectorAll('input')) {
          if (input.name === '__key') { key = input.value; continue; }
          if (input.value === '') continue;
          const kind = input.dataset.kind;
          body[input.name] = kind === 'number' ? Number(input.value)
            : kind === 'bool' ? input.value === 'true' : input.value;
        }
        const headers = {'Content-Type': 'application/json'};
        if (key) headers['X-API-Key'] = key;
        const out = document.getElementById('result');
        try {
          const response = await fetch('/predict', {method: 'POST', headers, body: JSON.stringify(body)});
          const text = await response.text();
          let shown = text;
          try { shown = JSON.stringify(JSON.parse(text), null, 2); } catch (e) {}
          out.textContent = response.status + ' ' + response.statusText + '\\n' + shown;
        } catch (error) {
          out.textContent = 'Request failed: ' + error;
        }
      });
      </script>
      </body></html>

      """
    return Array(page.utf8)
  }

  /// The value the form starts with: the default, else the middle of the range.
  static func exampleText(for f: Feature) -> String {
    switch f.defaultValue {
    case .number(let d)?: return formatNumber(d)
    case .string(let s)?: return s
    case .bool(let b)?: return b ? "true" : "false"
    default: break
    }
    switch f.type {
    case .number, .integer:
      let lo = f.minimum ?? f.maximum.map { $0 - 1 } ?? 0
      let hi = f.maximum ?? lo + 1
      let mid = (lo + hi) / 2
      return f.type == .integer ? formatNumber(mid.rounded()) : formatNumber((mid * 1000).rounded() / 1000)
    case .boolean: return "false"
    case .string: return ""
    case .category(let c): return c.first ?? ""
    }
  }

  /// Escapes text for HTML content and attribute values.
  /// A description as a sentence: with a full stop unless it ends in one (or ! or ?), so the
  /// text after it does not run into it.
  static func sentence(_ text: String) -> String {
    let trimmed = text.trimmingSpaces
    guard let last = trimmed.last else { return trimmed }
    return ".!?".contains(last) ? trimmed : trimmed + "."
  }

  static func escape(_ text: String) -> String {
    var out = ""
    out.reserveCapacity(text.count)
    for c in text {
      switch c {
      case "&": out += "&amp;"
      case "<": out += "&lt;"
      case ">": out += "&gt;"
      case "\"": out += "&quot;"
      case "'": out += "&#39;"
      default: out.append(c)
      }
    }
    return out
  }
}

extension String {
  fileprivate var trimmingQuotes: String {
    hasPrefix("\"") && hasSuffix("\"") && count >= 2 ? String(dropFirst().dropLast()) : self
  }
}
