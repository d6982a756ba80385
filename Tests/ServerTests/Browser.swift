import AsyncHTTPClient
import Foundation
import NIOCore
import NIOHTTP1
import Synchronization

/// A headless Chromium driven through chromedriver's WebDriver API (HTTP and JSON), with just
/// what the web app's tests need: open a page, run a script, type into an element, read the log.
struct Browser {
  struct Failure: Error, CustomStringConvertible {
    var description: String
  }

  static let chromedriverPath = ProcessInfo.processInfo.environment["CHROMEDRIVER"] ?? "/usr/bin/chromedriver"
  static let chromiumPath = ProcessInfo.processInfo.environment["CHROMIUM"] ?? "/usr/bin/chromium"

  /// Whether both programs are installed (Debian: `chromium`, `chromium-driver`).
  static var isAvailable: Bool {
    FileManager.default.isExecutableFile(atPath: chromedriverPath)
      && FileManager.default.isExecutableFile(atPath: chromiumPath)
  }

  /// W3C WebDriver's key for an element reference in JSON.
  private static let elementKey = "element-6066-11e4-a52e-4f735466cecf"

  let client: HTTPClient
  /// `http://127.0.0.1:PORT/session/ID`.
  let session: String

  /// Starts chromedriver on a free port and a browser session, runs `body`, and ends both.
  static func with<T>(
    dark: Bool = false, width: Int = 1280, height: Int = 1000, _ body: (Browser) async throws -> T
  ) async throws -> T {
    let driver = Process()
    driver.executableURL = URL(fileURLWithPath: chromedriverPath)
    driver.arguments = ["--port=0"]
    let output = Pipe()
    let printed = PrintedText()
    output.fileHandleForReading.readabilityHandler = { printed.append($0.availableData) }
    driver.standardOutput = output
    driver.standardError = FileHandle.nullDevice
    try driver.run()
    let port: Int
    do {
      port = try await printed.port()
    } catch {
      await end(driver, port: nil)
      output.fileHandleForReading.readabilityHandler = nil
      throw error
    }
    let client = HTTPClient(eventLoopGroupProvider: .singleton)
    let result: Result<T, any Error>
    do {
      let session = try await startSession(client: client, port: port, dark: dark, width: width, height: height)
      let browser = Browser(client: client, session: session)
      do {
        result = .success(try await body(browser))
      } catch {
        result = .failure(error)
      }
      _ = try? await browser.send("DELETE", "")
    } catch {
      result = .failure(error)
    }
    _ = try? await request(client: client, "GET", "http://127.0.0.1:\(port)/shutdown", nil)
    try? await client.shutdown()
    await end(driver, port: port)
    output.fileHandleForReading.readabilityHandler = nil
    return try result.get()
  }

  /// Waits up to five seconds for chromedriver to leave after `/shutdown` (or SIGTERM when it
  /// never said its port), then kills it: a test must not wait on a process forever, and
  /// `Process.waitUntilExit` would spin on a thread of the task pool.
  private static func end(_ driver: Process, port: Int?) async {
    if port == nil { driver.terminate() }
    if await !exits(driver) { kill(driver.processIdentifier, SIGKILL) }
    _ = await exits(driver)
  }

  /// Whether `process` has ended within five seconds, polled without blocking a thread.
  private static func exits(_ process: Process) async -> Bool {
    for _ in 0..<50 {
      if !process.isRunning { return true }
      try? await Task.sleep(for: .milliseconds(100))
    }
    return !process.isRunning
  }

  private static func startSession(client: HTTPClient, port: Int, dark: Bool, width: Int, height: Int)
    async throws -> String
  {
    var arguments = [
      "--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage", "--hide-scrollbars",
      "--window-size=\(width),\(height)", "--no-first-run", "--disable-extensions",
    ]
    // Chromium's PreferredColorScheme: 0 dark, 1 light.
    arguments += dark ? ["--force-dark-mode", "--blink-settings=preferredColorScheme=0"] : []
    let options: [String: Any] = ["binary": chromiumPath, "args": arguments]
    let match: [String: Any] = [
      "browserName": "chrome", "goog:chromeOptions": options, "goog:loggingPrefs": ["browser": "ALL"],
    ]
    let capabilities: [String: Any] = ["capabilities": ["alwaysMatch": match]]
    let base = "http://127.0.0.1:\(port)/session"
    let answer = try await request(client: client, "POST", base, capabilities)
    guard let value = answer as? [String: Any], let id = value["sessionId"] as? String else {
      throw Failure(description: "chromedriver did not start a session: \(String(describing: answer))")
    }
    return base + "/" + id
  }

  // MARK: Commands

  /// Opens `url` and waits for the page to load.
  func open(_ url: String) async throws {
    try await send("POST", "/url", ["url": url])
  }

  /// Runs `script` (a function body; `arguments` holds `args`) and answers what it returns.
  @discardableResult
  func run(_ script: String, _ args: [Any] = []) async throws -> Any? {
    try await send("POST", "/execute/sync", ["script": script, "args": args])
  }

  /// Runs a script that calls its last argument, a callback, with its answer.
  func runAsync(_ script: String, _ args: [Any] = []) async throws -> Any? {
    try await send("POST", "/execute/async", ["script": script, "args": args])
  }

  /// The text a script answers, or "" when it answers something else.
  func text(_ script: String, _ args: [Any] = []) async throws -> String {
    try await run(script, args) as? String ?? ""
  }

  /// Types `keys` into the element `selector` names, as a user at the keyboard would.
  func type(_ keys: String, into selector: String) async throws {
    let element = try await find(selector)
    try await send("POST", "/element/\(element)/value", ["text": keys])
  }

  /// Selects everything in the field and types `text` over it.
  func replace(_ selector: String, with text: String) async throws {
    // U+E009 is Control, U+E000 releases the modifiers again.
    try await type("\u{E009}a\u{E000}" + text, into: selector)
  }

  func find(_ selector: String) async throws -> String {
    let answer = try await send("POST", "/element", ["using": "css selector", "value": selector])
    guard let reference = answer as? [String: Any], let id = reference[Self.elementKey] as? String else {
      throw Failure(description: "no element matches \(selector)")
    }
    return id
  }

  /// The browser's console and network log since the last call.
  func log() async throws -> [[String: Any]] {
    try await send("POST", "/se/log", ["type": "browser"]) as? [[String: Any]] ?? []
  }

  /// A PNG of the window.
  func screenshot() async throws -> Data {
    guard let base64 = try await send("GET", "/screenshot") as? String, let data = Data(base64Encoded: base64) else {
      throw Failure(description: "chromedriver sent no screenshot")
    }
    return data
  }

  /// Polls `condition` every 100 ms until it holds, for at most `seconds`.
  func waitUntil(_ what: String, seconds: Int = 15, _ condition: () async throws -> Bool) async throws {
    for _ in 0..<(seconds * 10) {
      if try await condition() { return }
      try await Task.sleep(for: .milliseconds(100))
    }
    throw Failure(description: "timed out after \(seconds) s waiting for \(what)")
  }

  // MARK: Transport

  @discardableResult
  func send(_ method: String, _ path: String, _ body: [String: Any]? = nil) async throws -> Any? {
    try await Self.request(client: client, method, session + path, body)
  }

  private static func request(client: HTTPClient, _ method: String, _ url: String, _ body: [String: Any]?)
    async throws -> Any?
  {
    var request = HTTPClientRequest(url: url)
    request.method = .init(rawValue: method)
    if let body {
      request.body = .bytes(ByteBuffer(bytes: Array(try JSONSerialization.data(withJSONObject: body))))
      request.headers.add(name: "Content-Type", value: "application/json")
    }
    let response = try await client.execute(request, timeout: .seconds(60))
    let bytes = try await response.body.collect(upTo: 32 << 20)
    let json = try? JSONSerialization.jsonObject(with: Data(bytes.readableBytesView), options: [.fragmentsAllowed])
    let value = (json as? [String: Any])?["value"]
    guard response.status.code == 200 else {
      let message = (value as? [String: Any])?["message"] as? String ?? String(buffer: bytes)
      throw Failure(description: "WebDriver \(method) \(url) answered \(response.status.code): \(message)")
    }
    return value is NSNull ? nil : value
  }
}

/// What chromedriver prints, collected from its pipe's handler thread.
private final class PrintedText: Sendable {
  private let text = Mutex("")

  func append(_ data: Data) {
    text.withLock { if $0.count < 1 << 16 { $0 += String(decoding: data, as: UTF8.self) } }
  }

  /// The port from "ChromeDriver was started successfully on port N.", within ten seconds.
  func port() async throws -> Int {
    for _ in 0..<100 {
      let printed = text.withLock { $0 }
      if let range = printed.range(of: "started successfully on port "),
        let end = printed[range.upperBound...].firstIndex(of: "."), let port = Int(printed[range.upperBound..<end])
      {
        return port
      }
      try await Task.sleep(for: .milliseconds(100))
    }
    throw Browser.Failure(description: "chromedriver did not say which port it listens on")
  }
}
