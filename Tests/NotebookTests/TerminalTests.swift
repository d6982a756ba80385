import Foundation
import Testing

/// Drives the built fathom binary in a real terminal (tmux): typing, reading the screen.
struct TmuxDriver {
  let socket = "fathom-test-\(UUID().uuidString.prefix(8))"
  let session = "fathom"

  static var tmuxPath: String? {
    ["/usr/bin/tmux", "/usr/local/bin/tmux", "/opt/homebrew/bin/tmux"].first {
      FileManager.default.isExecutableFile(atPath: $0)
    }
  }

  /// The fathom binary: $FATHOM_BINARY, or `fathom` beside the test bundle.
  static var fathomBinary: String? {
    if let path = ProcessInfo.processInfo.environment["FATHOM_BINARY"] { return path }
    var directory = URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent()
    for _ in 0..<3 {
      let candidate = directory.appendingPathComponent("fathom").path
      if FileManager.default.isExecutableFile(atPath: candidate) { return candidate }
      directory = directory.deletingLastPathComponent()
    }
    return nil
  }

  @discardableResult
  func tmux(_ arguments: [String]) throws -> String {
    // The first command forks the tmux server, which inherits the child's descriptors and
    // keeps them open: only commands that print are read, and by then the server exists.
    let printing = ["capture-pane", "display-message"].contains(arguments.first ?? "")
    return try ChildProcess.run(Self.tmuxPath ?? "/usr/bin/tmux", ["-L", socket] + arguments, capture: printing).output
  }

  func start(_ command: String) throws {
    try tmux(["new-session", "-d", "-s", session, "-x", "100", "-y", "30", command])
    try tmux(["set-option", "-t", session, "remain-on-exit", "on"])
  }

  func send(_ keys: String...) throws { try tmux(["send-keys", "-t", session] + keys) }

  func type(_ text: String) throws { try tmux(["send-keys", "-t", session, "-l", text]) }

  func screen() throws -> String { try tmux(["capture-pane", "-p", "-t", session]) }

  /// The screen and the lines scrolled off it.
  func scrollback() throws -> String { try tmux(["capture-pane", "-p", "-S", "-", "-t", session]) }

  /// Waits until the screen contains `text` (tmux drops trailing spaces); fails after 10 seconds.
  func waitFor(_ text: String, sourceLocation: SourceLocation = #_sourceLocation) async throws {
    for _ in 0..<200 {
      if try screen().contains(text) { return }
      try await Task.sleep(for: .milliseconds(50))
    }
    Issue.record("the screen never showed \(text.debugDescription):\n\(try screen())", sourceLocation: sourceLocation)
    throw CancellationError()
  }

  func paneValue(_ format: String) throws -> String {
    try tmux(["display-message", "-p", "-t", session, format]).trimmingCharacters(in: .whitespacesAndNewlines)
  }

  /// Types `line`, presses Enter, and waits for `text` to show.
  func enter(_ line: String, thenWaitFor text: String, sourceLocation: SourceLocation = #_sourceLocation) async throws {
    try type(line)
    try send("Enter")
    try await waitFor(text, sourceLocation: sourceLocation)
  }

  /// Resizes the window to `columns` × 30 and waits until the pane has that width.
  func resize(columns: Int) async throws {
    try tmux(["resize-window", "-t", session, "-x", String(columns), "-y", "30"])
    for _ in 0..<100 where try paneValue("#{pane_width}") != String(columns) {
      try await Task.sleep(for: .milliseconds(50))
    }
  }

  /// Waits up to 5 seconds for the program in the pane to end.
  func waitForExit() async throws {
    for _ in 0..<100 where try paneValue("#{pane_dead}") != "1" { try await Task.sleep(for: .milliseconds(50)) }
  }

  /// The command that runs the built fathom with its state in `stateDirectory`, in a 256-colour terminal.
  static func fathomCommand(stateDirectory: String) throws -> String {
    let binary = try #require(fathomBinary, "build fathom first (swift build --product fathom) or set FATHOM_BINARY")
    return "env XDG_STATE_HOME=\(stateDirectory) TERM=xterm-256color \(binary)"
  }

  func kill() { _ = try? tmux(["kill-server"]) }
}

private let tmuxRequired = ProcessInfo.processInfo.environment["CI"] != nil

@Suite("fathom in a real terminal (tmux)", .serialized)
struct TerminalTests {
  @Test(
    "history, Tab completion, Ctrl-C on a line, Ctrl-D, and restoring a killed session",
    .enabled(if: TmuxDriver.tmuxPath != nil || tmuxRequired, "tmux is not installed (and CI is not set): skipped"))
  func realTerminal() async throws {
    let state = NSTemporaryDirectory() + "fathom-tmux-\(UUID().uuidString)"
    defer { try? FileManager.default.removeItem(atPath: state) }
    let command = try TmuxDriver.fathomCommand(stateDirectory: state)
    let t = TmuxDriver()
    defer { t.kill() }
    try t.start(command)
    try await t.waitFor("[1]>")

    try await t.enter("x = 41", thenWaitFor: "[2]>")

    // Tab: the common prefix, then the candidates.
    try t.type("pet")
    try t.send("Tab")
    try await t.waitFor("[2]> petal_")
    try t.send("Tab")
    try await t.waitFor("petal_length  petal_width")

    // Ctrl-C abandons the line and keeps the session (the cell number does not move).
    try t.send("C-c")
    try await t.waitFor("[2]> petal_^C\n[2]>")

    // Up recalls the previous line.
    try t.send("Up")
    try await t.waitFor("[2]> x = 41")
    try t.send("C-u")
    try await t.enter("x + 1", thenWaitFor: "42\n[3]>")

    // A resized window: the next plot fits the new width, and editing still works.
    try await t.resize(columns: 60)
    try await t.enter("plot [1, 4, 9, 16]", thenWaitFor: "[4]>")
    let screen = try t.screen()
    let border = try #require(screen.split(separator: "\n").last { $0.contains("└") }, "no plot:\n\(screen)")
    #expect(border.count <= 60 && border.count >= 40, "\(border.count) columns:\n\(screen)")
    try await t.resize(columns: 100)

    // Ctrl-R searches history.
    try t.send("C-r")
    try t.type("= 4")
    try await t.waitFor("x = 41")
    try t.send("C-g", "C-u")

    // Killed: the autosave stays and the next start offers it.
    // The autosave is named after fathom's pid (the pane's pid may be a shell around it).
    let autosaves = try FileManager.default.contentsOfDirectory(atPath: state + "/fathom").filter {
      $0.hasPrefix("autosave-")
    }
    let pid = try #require(autosaves.first.flatMap { pid_t($0.dropFirst("autosave-".count).dropLast(".fathom".count)) })
    kill(pid, SIGKILL)
    for _ in 0..<100 where kill(pid, 0) == 0 { try await Task.sleep(for: .milliseconds(50)) }
    try await t.waitForExit()
    try t.tmux(["kill-session", "-t", t.session])
    try t.start(command)
    try await t.waitFor("an unsaved session (3 cells) can be restored: type restore")
    try await t.enter("restore", thenWaitFor: "restored 3 cells from")
    try await t.enter("x", thenWaitFor: "41\n[5]>")

    // History survived the kill: past "x" and "restore", Up reaches the line typed before it.
    try t.send("Up", "Up", "Up")
    try await t.waitFor("[5]> plot [1, 4, 9, 16]")

    // Ctrl-D on an empty line exits.
    try t.send("C-u", "C-d")
    try await t.waitForExit()
    #expect(try t.paneValue("#{pane_dead}") == "1")
  }

  @Test(
    "loadtest in a terminal: a live plot and status line, Ctrl-C stops it, the report and the session stay",
    .enabled(if: TmuxDriver.tmuxPath != nil || tmuxRequired, "tmux is not installed (and CI is not set): skipped"))
  func liveLoadTest() async throws {
    let state = NSTemporaryDirectory() + "fathom-tmux-\(UUID().uuidString)"
    defer { try? FileManager.default.removeItem(atPath: state) }
    let t = TmuxDriver()
    defer { t.kill() }
    try t.start(try TmuxDriver.fathomCommand(stateDirectory: state))
    try await t.waitFor("[1]>")
    try await t.enter("serve 0", thenWaitFor: "[2]>")
    // A long, light test (open loop, 200 req/s): it is stopped well before its 60 s.
    try await t.enter("r = loadtest connections=2 duration=60s rate=200", thenWaitFor: "(Ctrl-C stops)")
    try await t.waitFor("requests per second (live)")
    try t.send("C-c")
    try await t.waitFor("[3]>")
    // The report and its plots are taller than the screen: read what scrolled off too.
    let text = try t.scrollback()
    #expect(text.contains("interrupted (Ctrl-C) after"), "\(text)")
    #expect(text.contains("p99 latency (ms)"), "\(text)")
    #expect(!text.contains("(Ctrl-C stops)"), "the live frame was not cleared:\n\(text)")
    try await t.enter("r.requests > 0", thenWaitFor: "true\n[4]>")
    try await t.enter("serve stop", thenWaitFor: "stopped serving at")
  }

  @Test("without a terminal: no prompts, just outputs", .enabled(if: TmuxDriver.fathomBinary != nil))
  func piped() throws {
    let (status, text) = try ChildProcess.run(
      try #require(TmuxDriver.fathomBinary), [], input: "x = 2\nx * 21\npredict petal_length=1.4 petal_width=0.2\n",
      capture: true)
    #expect(text.hasPrefix("42\npredicted: setosa"))
    #expect(!text.contains("[1]>"))
    #expect(status == 0)
  }
}

/// Runs a program with posix_spawn and waits for it (Foundation's Process can hang
/// in waitUntilExit on Linux when its child forks a daemon, as tmux does).
enum ChildProcess {
  private static func closeOnExec(_ fds: [Int32]) {
    for fd in fds { _ = fcntl(fd, F_SETFD, FD_CLOEXEC) }
  }

  static func run(_ path: String, _ arguments: [String], input: String? = nil, capture: Bool) throws -> (
    status: Int32, output: String
  ) {
    var actions = posix_spawn_file_actions_t()
    posix_spawn_file_actions_init(&actions)
    defer { posix_spawn_file_actions_destroy(&actions) }
    var outPipe: [Int32] = [-1, -1]
    var inPipe: [Int32] = [-1, -1]
    if capture {
      // Close-on-exec: a daemon spawned meanwhile (the tmux server) must not inherit the write end.
      guard pipe(&outPipe) == 0 else { throw POSIXError(.EIO) }
      closeOnExec(outPipe)
      posix_spawn_file_actions_adddup2(&actions, outPipe[1], 1)
      posix_spawn_file_actions_addclose(&actions, outPipe[0])
      posix_spawn_file_actions_addclose(&actions, outPipe[1])
    } else {
      posix_spawn_file_actions_addopen(&actions, 1, "/dev/null", O_WRONLY, 0)
    }
    posix_spawn_file_actions_addopen(&actions, 2, "/dev/null", O_WRONLY, 0)
    if input != nil {
      guard pipe(&inPipe) == 0 else { throw POSIXError(.EIO) }
      closeOnExec(inPipe)
      posix_spawn_file_actions_adddup2(&actions, inPipe[0], 0)
      posix_spawn_file_actions_addclose(&actions, inPipe[0])
      posix_spawn_file_actions_addclose(&actions, inPipe[1])
    } else {
      posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0)
    }
    let argv = ([path] + arguments).map { strdup($0) } + [nil]
    defer { argv.forEach { free($0) } }
    // The child starts with no blocked signals and default handlers: the test runner's threads
    // may block SIGCHLD, and a tmux server inheriting that mask would never reap its panes.
    var attributes = posix_spawnattr_t()
    posix_spawnattr_init(&attributes)
    defer { posix_spawnattr_destroy(&attributes) }
    var empty = sigset_t()
    sigemptyset(&empty)
    posix_spawnattr_setsigmask(&attributes, &empty)
    var defaults = sigset_t()
    sigemptyset(&defaults)
    for signal in [SIGCHLD, SIGINT, SIGPIPE, SIGTERM, SIGHUP] { sigaddset(&defaults, signal) }
    posix_spawnattr_setsigdefault(&attributes, &defaults)
    posix_spawnattr_setflags(&attributes, Int16(POSIX_SPAWN_SETSIGMASK | POSIX_SPAWN_SETSIGDEF))
    var pid: pid_t = 0
    let spawned = posix_spawn(&pid, path, &actions, &attributes, argv, environ)
    guard spawned == 0 else { throw POSIXError(POSIXErrorCode(rawValue: spawned) ?? .EIO) }
    if let input {
      close(inPipe[0])
      _ = Array(input.utf8).withUnsafeBytes { write(inPipe[1], $0.baseAddress, $0.count) }
      close(inPipe[1])
    }
    var output = Data()
    if capture {
      close(outPipe[1])
      var buffer = [UInt8](repeating: 0, count: 65536)
      while true {
        let n = read(outPipe[0], &buffer, buffer.count)
        if n <= 0 { break }
        output.append(contentsOf: buffer[0..<n])
      }
      close(outPipe[0])
    }
    var status: Int32 = 0
    while waitpid(pid, &status, 0) == -1 && errno == EINTR {}
    let exitStatus = (status & 0x7f) == 0 ? (status >> 8) & 0xff : 128 + (status & 0x7f)
    return (exitStatus, String(decoding: output, as: UTF8.self))
  }
}
