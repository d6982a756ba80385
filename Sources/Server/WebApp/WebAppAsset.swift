import HTTPTypes
import Hummingbird
import NIOCore

/// One file of the web app at `/`: the page, its script and its style sheet.
///
/// The files are compiled into the binary (`WebAppAsset+Embedded.swift`, generated from
/// `Assets/` by `scripts/embed-webapp.sh`) instead of a resource bundle, which a binary copied
/// on its own would not find.
enum WebAppAsset: CaseIterable, Sendable {
  case page
  case script
  case styles

  /// The asset a request path names, if any.
  init?(path: String) {
    switch path {
    case "/", "/index.html": self = .page
    case "/app.js": self = .script
    case "/app.css": self = .styles
    default: return nil
    }
  }

  /// The path the page links it by.
  var path: String {
    switch self {
    case .page: "/"
    case .script: "/app.js"
    case .styles: "/app.css"
    }
  }

  var contentType: String {
    switch self {
    case .page: "text/html; charset=utf-8"
    case .script: "text/javascript; charset=utf-8"
    case .styles: "text/css; charset=utf-8"
    }
  }

  /// The file's bytes and strong ETag, computed once. The page served is `page(modelDocument:)`.
  var content: Content {
    switch self {
    case .page: Self.pageContent
    case .script: Self.scriptContent
    case .styles: Self.stylesContent
    }
  }

  /// Bytes and the validator that names them.
  struct Content: Sendable {
    let bytes: [UInt8]
    let eTag: String

    init(_ text: String) {
      self.init(bytes: Array(text.utf8))
    }

    init(bytes: [UInt8]) {
      self.bytes = bytes
      eTag = "\"\(Self.fingerprint(bytes))\""
    }

    /// FNV-1a, 64 bits, in hex: a new binary with changed assets gets new ETags.
    private static func fingerprint(_ bytes: [UInt8]) -> String {
      var hash: UInt64 = 0xcbf2_9ce4_8422_2325
      for b in bytes {
        hash ^= UInt64(b)
        hash = hash &* 0x0000_0100_0000_01b3
      }
      let hex = String(hash, radix: 16)
      return String(repeating: "0", count: 16 - hex.count) + hex
    }
  }

  private static let pageContent = Content(indexHTML)
  private static let modelMarker = Array("<!--fathom:model-->".utf8)

  /// The page with a model's `GET /model` document in it, as a JSON data block the script
  /// reads at once: the form is built without waiting for a request to `/model`, and its ETag
  /// changes with the model.
  static func page(modelDocument: [UInt8]) -> Content {
    let page = pageContent.bytes
    guard let at = page.firstRange(of: modelMarker) else { return pageContent }
    var bytes: [UInt8] = []
    bytes.reserveCapacity(page.count + modelDocument.count + 64)
    bytes += page[..<at.lowerBound]
    bytes += Array(#"<script type="application/json" id="model-document">"#.utf8)
    // `<` occurs only inside the document's strings, where `\u003c` means the same and no
    // `</script>` in a model's description can end the block.
    for b in modelDocument {
      if b == UInt8(ascii: "<") { bytes += Array(#"\u003c"#.utf8) } else { bytes.append(b) }
    }
    bytes += Array("</script>".utf8)
    bytes += page[at.upperBound...]
    return Content(bytes: bytes)
  }
  private static let scriptContent = Content(appJS)
  private static let stylesContent = Content(appCSS)

  /// The response to a GET or HEAD: the file (`content`, this asset's or the page made for the
  /// served model), or 304 when the client's copy is current.
  ///
  /// `no-cache` makes browsers revalidate each time, so a new binary's app is used at once
  /// while an unchanged one costs a 304 without a body.
  func response(_ content: Content, ifNoneMatch: String?) -> Response {
    var headers: HTTPFields = [
      .eTag: content.eTag,
      .cacheControl: "no-cache",
      .xContentTypeOptions: "nosniff",
    ]
    if let ifNoneMatch, Self.matches(ifNoneMatch, eTag: content.eTag) {
      return Response(status: .notModified, headers: headers)
    }
    headers[.contentType] = contentType
    if self == .page {
      // Inline `style` attributes carry the bars' widths and the charts' colours.
      headers[.contentSecurityPolicy] =
        "default-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data: blob:; connect-src 'self' blob:; base-uri 'none'; form-action 'none'"
    }
    return Response(status: .ok, headers: headers, body: ResponseBody(byteBuffer: ByteBuffer(bytes: content.bytes)))
  }

  /// Whether an `If-None-Match` list names `eTag` (weak comparison, as RFC 9110 asks for GET).
  static func matches(_ ifNoneMatch: String, eTag: String) -> Bool {
    for candidate in ifNoneMatch.split(separator: ",") {
      var tag = Substring(String(candidate).trimmingSpaces)
      if tag == "*" { return true }
      if tag.hasPrefix("W/") { tag = tag.dropFirst(2) }
      if tag == eTag { return true }
    }
    return false
  }
}
