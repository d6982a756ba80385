import Foundation
import Testing

@testable import Model

@Suite("files of rows: encodings, line endings, numbers and blank rows")
struct RowReaderTests {
  func text(_ bytes: [UInt8]) -> String {
    switch RowReader.text(bytes) {
    case .success(let text): text
    case .failure(let problem): "error: \(problem)"
    }
  }

  @Test("UTF-8 with or without a byte-order mark and CRLF are read; the mark is not part of the header")
  func acceptedText() throws {
    let model = try Model.builtIn(named: "iris")
    let body = "sepal_length,sepal_width,petal_length,petal_width\r\n5.1,3.5,1.4,0.2\r\n"
    for bytes in [Array(body.utf8), [0xEF, 0xBB, 0xBF] + Array(body.utf8)] {
      let rows = RowReader.csv(text(bytes), model: model)
      #expect(rows.count == 1)
      let values = try rows[0].values.get()
      #expect(values["sepal_length"] == .number(5.1))
      #expect(values.count == 4)
    }
  }

  @Test(
    "UTF-16, NUL bytes, bytes that are not UTF-8 and CR-only lines are refused with the reason",
    arguments: [
      ([0xFF, 0xFE, 0x61, 0x00], "error: is UTF-16 or UTF-32 text; save it as UTF-8"),
      ([0xFE, 0xFF, 0x00, 0x61], "error: is UTF-16 or UTF-32 text; save it as UTF-8"),
      (Array("a\nb\u{0}c\n".utf8), "error: holds a NUL byte on line 2; is it UTF-16 or binary? save it as UTF-8 text"),
      (Array("a,b\n1,2\n".utf8) + [0xC3, 0x28, 0x0A], "error: is not UTF-8 text (line 3); save it as UTF-8"),
      (Array("a,b\r1,2\r".utf8), "error: ends its lines with CR alone; save it with LF or CRLF line endings"),
    ] as [([UInt8], String)])
  func refusedText(bytes: [UInt8], expected: String) {
    #expect(text(bytes) == expected)
  }

  @Test(
    "numbers are decimal, or NaN and Infinity as written by fathom and pandas; 0x10 is not 16",
    arguments: [
      ("16", 16.0), ("-1.5e3", -1500), (".5", 0.5), ("5.", 5), ("+2", 2), ("1E-2", 0.01),
      ("Infinity", .infinity), ("-Infinity", -.infinity), ("inf", .infinity), ("-inf", -.infinity),
    ] as [(String, Double)])
  func numbers(cell: String, expected: Double) {
    #expect(parseNumber(cell) == expected)
  }

  @Test(
    "text that Double(_:) would read but no CSV writer means is not a number",
    arguments: ["0x10", "0x1p3", "1e", "e5", "-", "", "1.2.3", "nan(1)", "1_000"])
  func notNumbers(cell: String) {
    #expect(parseNumber(cell) == nil)
  }

  @Test("NaN reads as NaN")
  func nan() {
    #expect(parseNumber("NaN")?.isNaN == true)
  }

  @Test("a row whose cells are all empty is an error, not a row of defaults; an empty line is skipped")
  func blankRows() throws {
    let model = try Model.builtIn(named: "iris")
    let rows = RowReader.csv(
      "sepal_length,sepal_width,petal_length,petal_width\n,,,\n\n5.1,3.5,1.4,0.2\n0x10,3,4,1\n", model: model)
    #expect(rows.map(\.number) == [2, 4, 5])
    #expect(throws: RowReader.RowError.self) { try rows[0].values.get() }
    #expect(try rows[2].values.get()["sepal_length"] == .string("0x10"))
  }

  @Test("an empty cell is NaN where the model imputes, as pandas means it, and otherwise missing or the default")
  func emptyCells() throws {
    let header = "age,sex,bmi,bp,s1,s2,s3,s4,s5,s6\n"
    let imputer = try Model(contentsOf: ZooCase.directory.appendingPathComponent("diabetes_imputer_rf.onnx"))
    let rows = RowReader.csv(header + "0.01,0.02,,0.01,0,0,0,0,0,0\n0.01,0.02,NaN,0.01,0,0,0,0,0,0\n", model: imputer)
    let empty = try rows[0].values.get()
    guard case .number(let bmi)? = empty["bmi"] else {
      Issue.record("bmi: \(String(describing: empty["bmi"]))"); return
    }
    #expect(bmi.isNaN)
    let predictions = try imputer.predict(rows: [empty, try rows[1].values.get()])
    #expect(predictions.count == 2 && predictions[0].value == predictions[1].value)

    // No imputer: the empty cell is not there, so the schema's default fills it, or it is missing.
    let iris = try Model.builtIn(named: "iris")
    let row = try RowReader.csv("sepal_length,sepal_width,petal_length,petal_width\n5.1,,1.4,0.2\n", model: iris)[0]
      .values.get()
    #expect(row["sepal_width"] == nil)
    #expect(try iris.predict(row).defaultsUsed == ["sepal_width"])
    #expect(
      iris.validate(row, policy: .init(useDefaults: false)).map(\.description) == [
        "sepal_width is required but missing"
      ])
  }
}

@Suite("the JSON parser refuses what it cannot read faithfully")
struct JSONParserTests {
  @Test(
    "a string that is not UTF-8 is an error at its offset, with or without escapes, not U+FFFD",
    arguments: [
      Array(#"{"region": "nor"#.utf8) + [0xFF] + Array(#"th"}"#.utf8),
      Array(#"{"region": "a\n"#.utf8) + [0xC3, 0x28] + Array(#""}"#.utf8),
    ])
  func invalidUTF8(bytes: [UInt8]) {
    #expect(throws: JSONParseError.self) { try JSONParser.parse(bytes) }
  }

  @Test("an array past maximumItems at the top or one level down is counted to its end, not kept")
  func maximumItems() throws {
    do {
      _ = try JSONParser.parse(Array(#"{"instances": [{}, {}, {}, {}, {}]}"#.utf8), maximumItems: 2)
      Issue.record("an array of 5 items parsed with a limit of 2")
    } catch {
      #expect(error.itemCount == 5)
    }
    // Deeper arrays are not batches; a syntax error past the limit is still a syntax error.
    _ = try JSONParser.parse(Array(#"{"instances": [{"a": [1, 2, 3]}]}"#.utf8), maximumItems: 2)
    do {
      _ = try JSONParser.parse(Array(#"{"instances": [{}, {}, {}, x]}"#.utf8), maximumItems: 2)
      Issue.record("a syntax error parsed")
    } catch {
      #expect(error.itemCount == nil && error.offset == 27)
    }
  }

  @Test("valid UTF-8 strings, escaped or not, read back as written")
  func validUTF8() throws {
    let value = try JSONParser.parse(Array(#"{"a": "Zürich", "b": "line\nZürich"}"#.utf8))
    guard case .object(let members) = value else {
      Issue.record("not an object: \(value)")
      return
    }
    #expect(members.map(\.1) == [.string("Zürich"), .string("line\nZürich")])
  }
}
