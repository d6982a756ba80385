import Foundation
import Model
import NIOHTTP1
import Server
import Testing

/// A model the browser tests open the app on.
struct WebAppModel: Sendable, CustomTestStringConvertible {
  let name: String
  let model: @Sendable () throws -> Model

  var testDescription: String { name }

  static let iris = WebAppModel(name: "iris") { Fixtures.iris }
  static let diabetes = WebAppModel(name: "diabetes") { Fixtures.diabetes }
  /// OneHotEncoder on two string columns: the schema's categories come from the graph.
  static let customers = WebAppModel(name: "customers_columntransformer") {
    let url = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
      .appendingPathComponent("Fixtures/zoo/customers_columntransformer.onnx")
    return try Model(contentsOf: url)
  }
  static let all = [iris, diabetes, customers]
}

/// One feature as `GET /model` describes it: what the page builds its control from.
struct SchemaFeature {
  var name: String
  var type: String
  var minimum: Double?
  var maximum: Double?
  var defaultValue: Any?
  var unit: String?
  var categories: [String]?

  init(_ json: [String: Any]) {
    name = json["name"] as? String ?? ""
    type = json["type"] as? String ?? ""
    minimum = json["minimum"] as? Double
    maximum = json["maximum"] as? Double
    defaultValue = json["default"]
    unit = json["unit"] as? String
    categories = json["categories"] as? [String]
  }

  var isNumeric: Bool { categories == nil && (type == "number" || type == "integer") }

  /// A valid value that differs from the default where it can.
  var otherValue: String {
    if let categories { return categories.last ?? "" }
    if type == "boolean" { return "true" }
    guard isNumeric else { return "x" }
    if let lo = minimum, let hi = maximum {
      let v = lo + 0.8 * (hi - lo)
      return type == "integer" ? String(Int(v.rounded())) : String(format: "%.2f", v)
    }
    return type == "integer" ? "41" : "41.5"
  }

  /// A value the server rejects: above the maximum, or text where a number belongs.
  var invalidValue: String? {
    guard isNumeric else { return nil }
    if let hi = maximum { return type == "integer" ? String(Int(hi) + 100) : String(hi + 100) }
    return "lots"
  }

  /// The JSON value the page sends for `text`.
  func json(_ text: String) -> Any {
    if isNumeric, let d = Double(text) { return d }
    if type == "boolean" { return text == "true" }
    return text
  }
}

@Suite(
  "the web app in a real browser", .serialized,
  .enabled(
    if: Browser.isAvailable,
    "needs chromium and chromedriver (Debian: apt-get install chromium chromium-driver); make deps installs them"))
struct WebAppBrowserTests {
  @Test(
    "the form follows the schema, edits predict, the sweep draws, 422s show by their control, CSV batches and links work",
    arguments: WebAppModel.all)
  func wholeApp(_ subject: WebAppModel) async throws {
    try await TestServer.with(try subject.model()) { s in
      let features = (try await s.get("/model").object["features"] as? [[String: Any]] ?? []).map(SchemaFeature.init)
      try #require(!features.isEmpty)
      try await Browser.with { b in
        try await b.open(s.address.url + "/")
        try await b.waitUntil("the form") {
          try await b.run("return document.querySelectorAll('#form .field').length") as? Int == features.count
        }
        try await checkForm(b, features)
        // Required features without a default get a value first, as a user would give them.
        var row: [String: String] = [:]
        for f in features where f.defaultValue == nil {
          row[f.name] = f.otherValue
          try await set(b, f, f.otherValue)
        }
        if !row.isEmpty { try await expectAnswer(b, s, row, features) }

        // An edit by keyboard predicts again.
        let edited = try #require(features.first { $0.isNumeric } ?? features.first)
        row[edited.name] = edited.otherValue
        try await set(b, edited, edited.otherValue)
        try await expectAnswer(b, s, row, features)

        try await checkSweep(b, s, features)

        // An invalid value: the server's message, word for word, under its control.
        if let bad = features.first(where: { $0.invalidValue != nil }), let value = bad.invalidValue {
          var wrong = row
          wrong[bad.name] = value
          let answer = try await s.post("/predict", body(wrong, features))
          #expect(answer.status == 422)
          let message = try #require(answer.details.first?["msg"] as? String)
          try await set(b, bad, value)
          try await b.waitUntil("the 422 message under \(bad.name)") {
            try await b.text("return document.querySelector(arguments[0]).textContent", [errorSelector(bad)]) == message
          }
          #expect(
            try await b.text("return document.querySelector(arguments[0]).getAttribute('aria-invalid')", [control(bad)])
              == "true")
          try await set(b, bad, row[bad.name] ?? bad.otherValue)
          try await b.waitUntil("the message to go") {
            try await b.text("return document.querySelector(arguments[0]).textContent", [errorSelector(bad)]).isEmpty
          }
        }

        try await checkBatch(b, s, features, row: row)

        // A link with inputs opens with them and with their prediction.
        let linked = features.filter { $0.isNumeric || $0.categories != nil }.prefix(2)
        var query = row
        for f in linked { query[f.name] = f.categories?.first ?? f.otherValue }
        let url =
          s.address.url + "/?"
          + query.map {
            "\($0.key)=\($0.value.addingPercentEncoding(withAllowedCharacters: .alphanumerics) ?? $0.value)"
          }.joined(separator: "&")
        try await b.open(url)
        for (name, value) in query {
          try await b.waitUntil("\(name) to be restored as \(value)") {
            try await b.text("const c = document.querySelector(arguments[0]); return c ? c.value : ''", [control(name)])
              == value
          }
        }
        try await expectAnswer(b, s, query, features)
        try await expectNoErrors(b, allowing422: true)
      }
    }
  }

  @Test("a model swap on the server rebuilds the form for the new model")
  func followsSwaps() async throws {
    try await TestServer.with(Fixtures.iris) { s in
      try await Browser.with { b in
        try await b.open(s.address.url + "/")
        // The first prediction and its sweep (sent once the answer is painted) must be answered
        // before the swap: sent after it, they would carry iris's inputs to diabetes and be answered 422.
        try await b.waitUntil("the first iris prediction and its sweep") {
          let answer = try await b.text("const a = document.getElementById('answer'); return a ? a.textContent : ''")
          let swept = try await b.text("return document.body.dataset.swept || ''")
          return !answer.isEmpty && !swept.isEmpty
        }
        s.server.store.swap(to: Fixtures.diabetes)
        try await b.waitUntil("the diabetes form") {
          try await b.run(
            "return !!document.querySelector('[name=bmi]') && !document.querySelector('[name=petal_length]')") as? Bool
            == true
        }
        #expect(try await b.text("return document.getElementById('title').textContent") == "diabetes")
        try await b.waitUntil("a diabetes prediction") {
          try await b.text("const a = document.getElementById('answer'); return a ? a.textContent : ''").first?.isNumber
            == true
        }
        try await expectNoErrors(b, allowing422: false)
      }
    }
  }

  @Test("with --api-key the page asks for the key once and sends it in X-API-Key")
  func apiKey() async throws {
    try await TestServer.with(Fixtures.iris, configuration: ServerConfiguration(apiKey: "s3cret-key")) { s in
      try await Browser.with { b in
        try await b.open(s.address.url + "/")
        try await b.waitUntil("the key dialog") {
          try await b.run("return document.getElementById('key-dialog').open") as? Bool == true
        }
        try await b.type("s3cret-key\u{E007}", into: "#key-input")
        try await b.waitUntil("a prediction") {
          try await !b.text("const a = document.getElementById('answer'); return a ? a.textContent : ''").isEmpty
        }
        #expect(try await b.text("return sessionStorage.getItem('fathom.apiKey')") == "s3cret-key")
        #expect(try await !b.text("return location.href").contains("s3cret"))
        // The next edit needs no second prompt.
        try await b.replace(control("petal_length"), with: "1.4")
        try await b.replace(control("petal_width"), with: "0.2")
        try await b.waitUntil("setosa") {
          try await b.text("return document.getElementById('answer').textContent") == "setosa"
        }
        #expect(try await b.run("return document.getElementById('key-dialog').open") as? Bool == false)
        try await expectNoErrors(b, allowing401: true)
      }
    }
  }

  /// Where `docs/WEB.md`'s screenshots come from: `FATHOM_WEBAPP_SCREENSHOTS=docs/images swift test
  /// --filter WebAppBrowserTests/screenshots` writes them there.
  static let screenshotFolder = ProcessInfo.processInfo.environment["FATHOM_WEBAPP_SCREENSHOTS"]

  @Test(
    "screenshots of iris and the ColumnTransformer model in light and dark mode, for docs/WEB.md",
    .enabled(if: WebAppBrowserTests.screenshotFolder != nil, "set FATHOM_WEBAPP_SCREENSHOTS to a folder to write them"),
    arguments: [
      (WebAppModel.iris, "petal_length=4.9&petal_width=1.6&_sweep=petal_length&_against=petal_width", "iris"),
      (WebAppModel.customers, "", "customers"),
    ])
  func screenshots(_ subject: WebAppModel, query: String, file: String) async throws {
    let folder = URL(fileURLWithPath: try #require(Self.screenshotFolder))
    try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
    try await TestServer.with(try subject.model()) { s in
      // Without a query of its own, every feature without a default gets a value, and the sweep
      // a heatmap over the first two features.
      var query = query
      if query.isEmpty {
        let features = (try await s.get("/model").object["features"] as? [[String: Any]] ?? []).map(SchemaFeature.init)
        var parts = features.filter { $0.defaultValue == nil }.map { f in
          "\(f.name)=\(f.categories.map { $0[min(1, $0.count - 1)] } ?? f.otherValue)"
        }
        if features.count > 1 { parts += ["_sweep=\(features[0].name)", "_against=\(features[1].name)"] }
        query = parts.joined(separator: "&")
      }
      for dark in [false, true] {
        try await Browser.with(dark: dark, width: 1280, height: 960) { b in
          try await b.open(s.address.url + "/?" + query)
          try await b.waitUntil("the sweep") { try await b.run("return document.body.dataset.swept") != nil }
          // The first frame after the chart is drawn, with the bars' transitions finished.
          try await _Concurrency.Task.sleep(for: .milliseconds(400))
          let png = try await b.screenshot()
          try png.write(to: folder.appendingPathComponent("webapp-\(file)-\(dark ? "dark" : "light").png"))
        }
      }
    }
  }

  // MARK: Steps

  private func checkForm(_ b: Browser, _ features: [SchemaFeature]) async throws {
    for f in features {
      let described =
        try await b.run(
          """
          const c = document.querySelector(arguments[0]);
          if (!c) return null;
          const field = c.closest('.field');
          return {
            tag: c.tagName.toLowerCase(), type: c.type, value: c.type === 'checkbox' ? String(c.checked) : c.value,
            label: document.querySelector('label[for="' + c.id + '"]')?.textContent ?? '',
            unit: field.querySelector('.unit')?.textContent ?? '', required: !!field.querySelector('.req'),
            slider: !!field.querySelector('input[type=range]'),
            options: c.tagName === 'SELECT' ? [...c.options].map((o) => o.value).filter((v) => v) : null };
          """, [control(f.name)]) as? [String: Any]
      let d = try #require(described, "no control for \(f.name)")
      #expect(d["label"] as? String == f.name, "\(f.name)'s label")
      if let categories = f.categories {
        #expect(d["tag"] as? String == "select", "\(f.name) is a dropdown")
        #expect(d["options"] as? [String] == categories, "\(f.name)'s options")
      } else if f.type == "boolean" {
        #expect(d["type"] as? String == "checkbox", "\(f.name) is a checkbox")
      }
      #expect(d["slider"] as? Bool == (f.isNumeric && f.minimum != nil && f.maximum != nil), "\(f.name)'s slider")
      #expect(d["required"] as? Bool == (f.defaultValue == nil), "\(f.name)'s required mark")
      if let unit = f.unit { #expect(d["unit"] as? String == unit, "\(f.name)'s unit") }
      let value = d["value"] as? String ?? ""
      switch f.defaultValue {
      case let number as Double: #expect(Double(value) == number, "\(f.name)'s default")
      case let text as String: #expect(value == text, "\(f.name)'s default")
      case nil: #expect(value.isEmpty || f.type == "boolean", "\(f.name) starts empty")
      default: break
      }
    }
  }

  private func checkSweep(_ b: Browser, _ s: TestServer, _ features: [SchemaFeature]) async throws {
    let classes = (try await s.get("/model").object["classes"] as? [Any] ?? []).count
    let series = classes > 0 ? classes : 1
    try await b.waitUntil("the sweep's \(series) curves") {
      try await b.run("return document.querySelectorAll('#chart svg path[data-series]').length") as? Int == series
    }
    // A second feature turns the curve into a heatmap with one legend entry per class.
    let second = try await b.text(
      "const y = document.getElementById('sweep-y'); return y.options.length > 1 ? y.options[1].value : ''")
    guard !second.isEmpty else { return }
    try await b.run(
      "const y = document.getElementById('sweep-y'); y.value = arguments[0]; y.dispatchEvent(new Event('change'))",
      [second])
    try await b.waitUntil("the heatmap") {
      (try await b.run("return document.querySelectorAll('#chart svg rect').length") as? Int ?? 0) > 4
    }
    let legend = try await b.run("return document.querySelectorAll('#legend i').length") as? Int ?? 0
    #expect(legend == (classes > 0 ? classes : 1), "the heatmap's legend")
    try await b.run(
      "const y = document.getElementById('sweep-y'); y.value = ''; y.dispatchEvent(new Event('change'))")
  }

  private func checkBatch(_ b: Browser, _ s: TestServer, _ features: [SchemaFeature], row: [String: String])
    async throws
  {
    // Three rows; the second breaks a rule, so it gets the server's message and the others a prediction.
    let names = features.map(\.name)
    func line(_ values: [String: String]) -> String {
      features.map { feature in
        if let value = values[feature.name] { return value }
        return feature.defaultValue.map { "\($0)" } ?? ""
      }.joined(separator: ",")
    }
    var bad = row
    let broken = features.first { $0.invalidValue != nil }
    if let broken, let value = broken.invalidValue { bad[broken.name] = value }
    let csv = ([names.joined(separator: ",")] + [line(row), line(bad), line(row)]).joined(separator: "\n") + "\n"
    let file = FileManager.default.temporaryDirectory.appendingPathComponent("fathom-webapp-\(UUID().uuidString).csv")
    try csv.write(to: file, atomically: true, encoding: .utf8)
    defer { try? FileManager.default.removeItem(at: file) }
    try await b.type(file.path, into: "#csv")
    try await b.waitUntil("the batch table") {
      try await b.run("return document.querySelectorAll('#batch-table tbody tr').length") as? Int == 3
    }
    if let broken {
      let answer = try await s.post(
        "/predict", names.joined(separator: ",") + "\n" + line(bad) + "\n", contentType: "text/csv")
      let message = try #require(answer.details.first?["msg"] as? String)
      let shown = try await b.text(
        "return document.querySelector('#batch-table tr[data-row=\"3\"] td.error').textContent")
      #expect(shown.contains(message), "row 3 shows \(message), not \(shown)")
      #expect(shown.contains(broken.name))
      #expect(try await b.run("return document.querySelectorAll('#batch-table tr.bad').length") as? Int == 1)
    }
    let download =
      try await b.runAsync(
        """
        const done = arguments[arguments.length - 1];
        const a = document.getElementById('download');
        if (a.hidden) return done('');
        fetch(a.href).then((r) => r.text()).then(done, (e) => done('failed: ' + e));
        """) as? String ?? ""
    let lines = download.split(separator: "\n")
    #expect(lines.count == 4, "the download has a header and three rows: \(download)")
    #expect(lines.first?.hasPrefix("row,") == true)
    #expect(lines.first?.contains(",error") == true)
  }

  // MARK: Helpers

  private func control(_ name: String) -> String { "#form [name=\"\(name)\"]" }
  private func control(_ f: SchemaFeature) -> String { control(f.name) }
  private func errorSelector(_ f: SchemaFeature) -> String { "#form .field[data-feature=\"\(f.name)\"] .err" }

  /// Gives a feature a value the way a user does: typing, choosing, or ticking.
  private func set(_ b: Browser, _ f: SchemaFeature, _ value: String) async throws {
    if f.categories != nil || f.type == "boolean" {
      try await b.run(
        """
        const c = document.querySelector(arguments[0]);
        if (c.type === 'checkbox') c.checked = arguments[1] === 'true'; else c.value = arguments[1];
        c.dispatchEvent(new Event('change'));
        """, [control(f), value])
    } else {
      try await b.replace(control(f), with: value)
    }
  }

  private func body(_ row: [String: String], _ features: [SchemaFeature]) -> String {
    var object: [String: Any] = [:]
    for f in features { if let v = row[f.name] { object[f.name] = f.json(v) } }
    let data = (try? JSONSerialization.data(withJSONObject: object)) ?? Data()
    return String(decoding: data, as: UTF8.self)
  }

  /// Waits until the page shows the answer the server gives for `row` (the rest at defaults).
  private func expectAnswer(_ b: Browser, _ s: TestServer, _ row: [String: String], _ features: [SchemaFeature])
    async throws
  {
    let answer = try await s.post("/predict", body(row, features))
    try #require(answer.status == 200, "the server rejects \(row): \(answer.body)")
    let read = "const a = document.getElementById('answer'); return a ? a.textContent : ''"
    if let label = answer.object["label"] {
      let expected = "\(label)"
      try await b.waitUntil("the answer \(expected) for \(row)") { try await b.text(read) == expected }
    } else {
      let value = try #require(answer.object["value"] as? Double)
      try await b.waitUntil("the answer \(value) for \(row)") {
        guard let shown = Double(try await b.text(read)) else { return false }
        return abs(shown - value) <= 1e-3 * max(abs(value), 1)
      }
    }
  }

  /// No script error, and nothing in the console but the 4xx answers a test provoked on purpose.
  private func expectNoErrors(_ b: Browser, allowing422: Bool = false, allowing401: Bool = false) async throws {
    let scriptErrors = try await b.run("return window.fathomErrors") as? [String] ?? ["window.fathomErrors is missing"]
    #expect(scriptErrors.isEmpty, "script errors: \(scriptErrors)")
    let severe = try await b.log().filter { entry in
      guard entry["level"] as? String == "SEVERE" else { return false }
      let message = entry["message"] as? String ?? ""
      if entry["source"] as? String == "network" {
        if allowing422 && message.contains("422") { return false }
        if allowing401 && message.contains("401") { return false }
      }
      return true
    }
    #expect(severe.isEmpty, "console errors: \(severe)")
  }
}
