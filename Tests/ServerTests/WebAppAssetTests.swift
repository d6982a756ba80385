import Foundation
import Model
import NIOHTTP1
import Testing

@testable import Server

@Suite("the web app's files")
struct WebAppAssetTests {
  @Test(
    "/, /app.js and /app.css are served with their type, an ETag and no-cache, without the API key",
    arguments: [("/", "text/html"), ("/app.js", "text/javascript"), ("/app.css", "text/css")])
  func served(path: String, type: String) async throws {
    try await TestServer.with(Fixtures.iris, configuration: ServerConfiguration(apiKey: "k")) { s in
      let answer = try await s.get(path)
      #expect(answer.status == 200)
      #expect(answer.headers.first(name: "Content-Type")?.hasPrefix(type) == true)
      #expect(answer.headers.first(name: "Cache-Control") == "no-cache")
      let eTag = try #require(answer.headers.first(name: "ETag"))
      #expect(eTag.hasPrefix("\"") && eTag.hasSuffix("\""))
      #expect(!answer.body.isEmpty)
      let again = try await s.get(path, headers: [("If-None-Match", "\"other\", W/\(eTag)")])
      #expect(again.status == 304)
      #expect(again.body.isEmpty)
      #expect(again.headers.first(name: "ETag") == eTag)
    }
  }

  @Test("the page carries the served model's GET /model document, and its ETag changes with the model")
  func pageCarriesModel() async throws {
    var tags: [String] = []
    for model in [Fixtures.iris, Fixtures.diabetes] {
      try await TestServer.with(model) { s in
        let page = try await s.get("/")
        let document = try await s.get("/model")
        let block = try #require(Self.modelBlock(in: page.body))
        let inline = try JSONSerialization.jsonObject(with: Data(block.utf8)) as? NSDictionary
        let served = try JSONSerialization.jsonObject(with: Data(document.body.utf8)) as? NSDictionary
        #expect(inline != nil && inline == served)
        tags.append(try #require(page.headers.first(name: "ETag")))
      }
    }
    #expect(tags.count == 2 && tags[0] != tags[1])
  }

  @Test("a `</script>` in the model's document cannot end the data block, and the JSON still reads the same")
  func pageEscapesDocument() throws {
    let document = #"{"description":"a </script><script>alert(1)</script> b","x":1}"#
    let page = String(decoding: WebAppAsset.page(modelDocument: Array(document.utf8)).bytes, as: UTF8.self)
    #expect(!page.contains("alert(1)</script>"))
    let block = try #require(Self.modelBlock(in: page))
    let read = try JSONSerialization.jsonObject(with: Data(block.utf8)) as? NSDictionary
    let original = try JSONSerialization.jsonObject(with: Data(document.utf8)) as? NSDictionary
    #expect(read != nil && read == original)
  }

  /// The text of the page's `<script type="application/json" id="model-document">`.
  static func modelBlock(in page: String) -> String? {
    let open = #"<script type="application/json" id="model-document">"#
    guard let start = page.range(of: open),
      let end = page.range(of: "</script>", range: start.upperBound..<page.endIndex)
    else { return nil }
    return String(page[start.upperBound..<end.lowerBound])
  }

  @Test("HEAD answers the page's headers; POST gets a 405")
  func methods() async throws {
    try await TestServer.with(Fixtures.iris) { s in
      let head = try await s.send(.HEAD, "/")
      #expect(head.status == 200)
      #expect(head.headers.first(name: "ETag") != nil)
      let post = try await s.post("/", "{}")
      #expect(post.status == 405)
    }
  }

  @Test("the page links its script, styles, /docs and /openapi.json, and loads nothing from elsewhere")
  func selfContained() {
    let html = WebAppAsset.indexHTML
    for link in [#"src="app.js""#, #"href="app.css""#, #"href="docs""#, #"href="openapi.json""#] {
      #expect(html.contains(link), "index.html has \(link)")
    }
    // Nothing is fetched from elsewhere: no CDN, no web fonts. (app.js names the SVG namespace.)
    #expect(!html.contains("http://") && !html.contains("https://"))
    #expect(!WebAppAsset.appCSS.contains("http://") && !WebAppAsset.appCSS.contains("https://"))
    #expect(!WebAppAsset.appJS.contains("https://"))
  }

  @Test("the whole app is under 60 KB uncompressed")
  func size() {
    let total = WebAppAsset.allCases.map(\.content.bytes.count).reduce(0, +)
    #expect(total < 60 * 1024, "\(total) bytes")
  }

  @Test("the embedded files are the ones in Sources/Server/WebApp/Assets (scripts/embed-webapp.sh regenerates them)")
  func embeddedMatchesSources() throws {
    let assets = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
      .deletingLastPathComponent().appendingPathComponent("Sources/Server/WebApp/Assets")
    for (file, embedded) in [
      ("index.html", WebAppAsset.indexHTML), ("app.js", WebAppAsset.appJS), ("app.css", WebAppAsset.appCSS),
    ] {
      let onDisk = try String(contentsOf: assets.appendingPathComponent(file), encoding: .utf8)
      #expect(onDisk == embedded, "\(file) changed since it was embedded: run scripts/embed-webapp.sh")
    }
  }
}
