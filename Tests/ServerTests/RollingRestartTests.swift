import Foundation
import Testing

#if canImport(Glibc)
  import Glibc
#endif

/// Two `fathom serve` replicas behind a real nginx (Debian's, started here on loopback with
/// deploy/nginx/fathom.conf), loaded by `fathom loadtest` while the replicas are restarted.
@Suite("replicas behind nginx: a rolling restart loses nothing", .serialized)
struct RollingRestartTests {
  static let body = #"{"sepal_length": 5.1, "sepal_width": 3.5, "petal_length": 1.4, "petal_width": 0.2}"#
  static let connections = 32

  @Test(
    "SIGTERM to each replica in turn, restarted on its port, under load: zero failed requests",
    .timeLimit(.minutes(2)))
  func rollingRestart() async throws {
    let setup = try #require(try await Cluster.started(), "needs nginx (make deps installs it) and the fathom binary")
    defer { setup.stop() }
    let load = try setup.startLoad(seconds: 9)
    try await Task.sleep(for: .seconds(1.5))
    for i in setup.replicas.indices {
      // What Kubernetes or systemd does: SIGTERM, wait for the exit, start again on the same port.
      let status = try await setup.replicas[i].terminate()
      #expect(status == 0, "replica \(i) exited \(status) after SIGTERM")
      try setup.replicas[i].start()
      try await setup.replicas[i].waitUntilReady()
      try await Task.sleep(for: .seconds(1))
    }
    let report = try await load.finish()
    print("rolling restart behind nginx: \(report.responses) answered, \(report.errors) failed")
    #expect(report.responses > 1000, "\(report.text)")
    #expect(report.errors == 0, "\(report.text)")
  }

  @Test(
    "kill -9 of one replica under load: failures at most the requests in flight, nginx retries the rest",
    .timeLimit(.minutes(2)))
  func killNine() async throws {
    let setup = try #require(try await Cluster.started(), "needs nginx (make deps installs it) and the fathom binary")
    defer { setup.stop() }
    let load = try setup.startLoad(seconds: 5)
    try await Task.sleep(for: .seconds(1.5))
    setup.replicas[0].kill()
    let report = try await load.finish()
    print("kill -9 of one replica behind nginx: \(report.responses) answered, \(report.errors) failed")
    #expect(report.responses > 1000, "\(report.text)")
    #expect(report.errors <= Self.connections, "\(report.text)")
  }
}

/// nginx and the replicas, each a child process, all on 127.0.0.1.
final class Cluster: @unchecked Sendable {
  let directory: URL
  let nginx: Process
  let port: Int
  var replicas: [Replica]

  private init(directory: URL, nginx: Process, port: Int, replicas: [Replica]) {
    self.directory = directory
    self.nginx = nginx
    self.port = port
    self.replicas = replicas
  }

  static var nginxBinary: String? {
    ["/usr/sbin/nginx", "/usr/bin/nginx"].first { FileManager.default.isExecutableFile(atPath: $0) }
  }

  /// `start()` on a thread of its own: it waits for ports, which must not block the task pool.
  static func started() async throws -> Cluster? {
    try await withCheckedThrowingContinuation { (continuation: CheckedContinuation<Cluster?, any Error>) in
      Thread { continuation.resume(with: Result { try start() }) }.start()
    }
  }

  /// Starts two replicas and nginx; nil when nginx or the fathom binary is missing.
  static func start() throws -> Cluster? {
    guard let nginxPath = nginxBinary, let fathom = OpenAPIStabilityTests.fathomBinary else { return nil }
    let directory = FileManager.default.temporaryDirectory.appendingPathComponent("fathom-nginx-\(UUID().uuidString)")
    try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
    let ports = try freePorts(3)
    var replicas = [Replica(binary: fathom, port: ports[1]), Replica(binary: fathom, port: ports[2])]
    for i in replicas.indices { try replicas[i].start() }

    // The deployed configuration, with this test's ports, under a minimal main file.
    let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
      .deletingLastPathComponent()
    var site = try String(contentsOf: root.appendingPathComponent("deploy/nginx/fathom.conf"), encoding: .utf8)
    site = site.replacingOccurrences(of: "127.0.0.1:8001", with: "127.0.0.1:\(ports[1])")
      .replacingOccurrences(of: "127.0.0.1:8002", with: "127.0.0.1:\(ports[2])")
      .replacingOccurrences(of: "listen 80;", with: "listen 127.0.0.1:\(ports[0]);")
      .replacingOccurrences(of: "listen [::]:80;", with: "")
    try site.write(to: directory.appendingPathComponent("fathom.conf"), atomically: true, encoding: .utf8)
    let d = directory.path
    let main = """
      daemon off;
      worker_processes 1;
      pid \(d)/nginx.pid;
      error_log \(d)/error.log warn;
      \(getuid() == 0 ? "user root root;" : "")
      events { worker_connections 1024; }
      http {
        access_log off;
        client_body_temp_path \(d)/body;
        proxy_temp_path \(d)/proxy;
        fastcgi_temp_path \(d)/fastcgi;
        uwsgi_temp_path \(d)/uwsgi;
        scgi_temp_path \(d)/scgi;
        include \(d)/fathom.conf;
      }
      """
    try main.write(to: directory.appendingPathComponent("nginx.conf"), atomically: true, encoding: .utf8)
    let nginx = Process()
    nginx.executableURL = URL(fileURLWithPath: nginxPath)
    nginx.arguments = ["-p", d, "-c", d + "/nginx.conf"]
    nginx.standardOutput = FileHandle.nullDevice
    nginx.standardError = FileHandle.nullDevice
    try nginx.run()
    let cluster = Cluster(directory: directory, nginx: nginx, port: ports[0], replicas: replicas)
    for replica in replicas { try replica.waitUntilReadySync() }
    try Replica.waitForPort(ports[0], path: "/health")
    return cluster
  }

  /// Starts `fathom loadtest` against nginx for `seconds`.
  func startLoad(seconds: Int) throws -> Load {
    guard let fathom = OpenAPIStabilityTests.fathomBinary else { throw Replica.Failure("no fathom binary") }
    let process = Process()
    process.executableURL = URL(fileURLWithPath: fathom)
    process.arguments = [
      "loadtest", "http://127.0.0.1:\(port)/predict", "--connections", "\(RollingRestartTests.connections)",
      "--duration", "\(seconds)", "--body", RollingRestartTests.body, "--no-plots",
    ]
    let output = Pipe()
    process.standardOutput = output
    process.standardError = output
    try process.run()
    return Load(process: process, output: output)
  }

  /// Stops everything (SIGKILL for the replicas: the test is over) and removes the files.
  func stop() {
    for replica in replicas { replica.kill() }
    if nginx.isRunning { Glibc.kill(nginx.processIdentifier, SIGQUIT) }
    waitOnThread(nginx, limit: 5)
    if nginx.isRunning { Glibc.kill(nginx.processIdentifier, SIGKILL) }
    try? FileManager.default.removeItem(at: directory)
  }

  /// Ports free at this moment (bound to 0 and released).
  static func freePorts(_ count: Int) throws -> [Int] {
    var sockets: [Int32] = []
    defer { for s in sockets { close(s) } }
    var ports: [Int] = []
    for _ in 0..<count {
      let s = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
      guard s >= 0 else { throw Replica.Failure("socket: errno \(errno)") }
      sockets.append(s)
      var address = sockaddr_in()
      address.sin_family = sa_family_t(AF_INET)
      address.sin_addr.s_addr = inet_addr("127.0.0.1")
      address.sin_port = 0
      var length = socklen_t(MemoryLayout<sockaddr_in>.size)
      let bound = withUnsafeMutablePointer(to: &address) {
        $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { p -> Int32 in
          guard bind(s, p, length) == 0 else { return -1 }
          return getsockname(s, p, &length)
        }
      }
      guard bound == 0 else { throw Replica.Failure("bind: errno \(errno)") }
      ports.append(Int(UInt16(bigEndian: address.sin_port)))
    }
    return ports
  }
}

/// One `fathom serve iris` process on a fixed port.
struct Replica: @unchecked Sendable {
  struct Failure: Error, CustomStringConvertible {
    let description: String
    init(_ description: String) { self.description = description }
  }

  let binary: String
  let port: Int
  private(set) var process: Process?

  init(binary: String, port: Int) {
    self.binary = binary
    self.port = port
  }

  mutating func start() throws {
    let process = Process()
    process.executableURL = URL(fileURLWithPath: binary)
    // A drain delay long enough for nginx to finish what it has sent, short for the test.
    process.arguments = [
      "serve", "iris", "--host", "127.0.0.1", "--port", "\(port)", "--no-access-log", "--drain-delay", "0.5",
    ]
    process.standardOutput = FileHandle.nullDevice
    process.standardError = FileHandle.nullDevice
    try process.run()
    self.process = process
  }

  /// SIGTERM, then the exit status once the process has drained and exited.
  func terminate() async throws -> Int32 {
    guard let process else { throw Failure("replica on \(port) was not started") }
    Glibc.kill(process.processIdentifier, SIGTERM)
    return await withCheckedContinuation { continuation in
      Thread {
        waitOnThread(process, limit: 40)
        continuation.resume(returning: process.isRunning ? -1 : process.terminationStatus)
      }.start()
    }
  }

  func kill() {
    guard let process, process.isRunning else { return }
    Glibc.kill(process.processIdentifier, SIGKILL)
    waitOnThread(process, limit: 5)
  }

  func waitUntilReady() async throws {
    let port = self.port
    try await withCheckedThrowingContinuation { (continuation: CheckedContinuation<Void, any Error>) in
      Thread {
        do {
          try Self.waitForPort(port, path: "/ready")
          continuation.resume()
        } catch {
          continuation.resume(throwing: error)
        }
      }.start()
    }
  }

  func waitUntilReadySync() throws { try Self.waitForPort(port, path: "/ready") }

  /// Polls `GET path` on the port until it answers 200, for at most 20 s.
  static func waitForPort(_ port: Int, path: String) throws {
    let end = Date().addingTimeInterval(20)
    while Date() < end {
      if let status = try? httpStatus(port: port, path: path), status == 200 { return }
      Thread.sleep(forTimeInterval: 0.05)
    }
    throw Failure("nothing answered 200 on 127.0.0.1:\(port)\(path) within 20 s")
  }

  /// One `GET path` on a fresh connection; the status code.
  static func httpStatus(port: Int, path: String) throws -> Int {
    let s = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
    guard s >= 0 else { throw Failure("socket") }
    defer { close(s) }
    var timeout = timeval(tv_sec: 2, tv_usec: 0)
    setsockopt(s, SOL_SOCKET, SO_RCVTIMEO, &timeout, socklen_t(MemoryLayout<timeval>.size))
    var address = sockaddr_in()
    address.sin_family = sa_family_t(AF_INET)
    address.sin_addr.s_addr = inet_addr("127.0.0.1")
    address.sin_port = UInt16(port).bigEndian
    let connected = withUnsafePointer(to: &address) {
      $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { connect(s, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
    }
    guard connected == 0 else { throw Failure("connect") }
    let request = Array("GET \(path) HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n".utf8)
    guard send(s, request, request.count, 0) == request.count else { throw Failure("send") }
    var buffer = [UInt8](repeating: 0, count: 64)
    let n = recv(s, &buffer, buffer.count, 0)
    guard n >= 12 else { throw Failure("no answer") }
    let line = String(decoding: buffer[0..<n], as: UTF8.self)
    guard let code = Int(line.dropFirst(9).prefix(3)) else { throw Failure("not HTTP: \(line)") }
    return code
  }
}

/// A running `fathom loadtest`.
struct Load: @unchecked Sendable {
  let process: Process
  let output: Pipe

  struct Report {
    var responses: Int
    var errors: Int
    var text: String
  }

  /// Waits for the load test to end and reads its summary line (`responses N, errors E, …`).
  func finish() async throws -> Report {
    let text: String = await withCheckedContinuation { continuation in
      Thread {
        let data = output.fileHandleForReading.readDataToEndOfFile()
        waitOnThread(process, limit: 30)
        continuation.resume(returning: String(decoding: data, as: UTF8.self))
      }.start()
    }
    func number(after word: String) -> Int? {
      guard let range = text.range(of: word + " ") else { return nil }
      return Int(text[range.upperBound...].prefix { $0.isNumber })
    }
    guard let responses = number(after: "responses"), let errors = number(after: "errors") else {
      throw Replica.Failure("no summary in the load test's output: \(text)")
    }
    return Report(responses: responses, errors: errors, text: text)
  }
}

/// Waits for a child to exit on the calling thread, at most `limit` seconds (never on the task pool).
func waitOnThread(_ process: Process, limit: Double) {
  let end = Date().addingTimeInterval(limit)
  while process.isRunning, Date() < end { Thread.sleep(forTimeInterval: 0.02) }
}
